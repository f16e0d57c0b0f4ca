namespace IBot.Pipeline.Hosting;

/// <summary>
/// One <c>ibot serve</c> per workspace: an exclusive lock on <c>serve.lock</c> held for the
/// service's lifetime. Two services would both adopt and settle the same runs; the OS releases
/// the lock when the holder dies, even by kill -9, so a restart is never blocked by a stale file.
/// </summary>
public static class ServiceLock
{
    /// <param name="workspace">The workspace.</param>
    /// <param name="node">A node of a shared queue: one service per node name (<c>serve-NODE.lock</c>), several per workspace.</param>
    public static IDisposable? TryAcquire(Workspace workspace, string? node = null)
    {
        Directory.CreateDirectory(workspace.Root);
        try
        {
            var stream = new FileStream(Path.Combine(workspace.Root, node is null ? "serve.lock" : $"serve-{node}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true)) writer.Write(Environment.ProcessId);
            return stream;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
