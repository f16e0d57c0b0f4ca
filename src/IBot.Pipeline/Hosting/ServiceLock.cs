namespace IBot.Pipeline.Hosting;

/// <summary>
/// One <c>ibot serve</c> per workspace: an exclusive lock on <c>serve.lock</c> held for the
/// service's lifetime. Two services would both adopt and settle the same runs; the OS releases
/// the lock when the holder dies, even by kill -9, so a restart is never blocked by a stale file.
/// </summary>
public static class ServiceLock
{
    public static IDisposable? TryAcquire(Workspace workspace)
    {
        Directory.CreateDirectory(workspace.Root);
        try
        {
            var stream = new FileStream(Path.Combine(workspace.Root, "serve.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
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
