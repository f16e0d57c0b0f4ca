namespace IBot.Pipeline.Storage;

/// <summary>
/// Exclusive access to a store's database across processes and threads: an open of its
/// <c>.lock</c> file with <see cref="FileShare.None"/>, which .NET maps to <c>flock(LOCK_EX)</c> on
/// Linux (and a share-mode lock on Windows). The kernel drops the lock when its holder exits or
/// crashes, so a killed run never leaves the database locked.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private readonly FileStream stream;

    private StoreLock(FileStream stream) => this.stream = stream;

    /// <summary>The lock, or null when another holder kept it for <paramref name="timeout"/>.</summary>
    public static StoreLock? TryAcquire(string path, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var wait = 1;
        while (true)
        {
            try
            {
                return new StoreLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                // Another writer holds it: units of work take milliseconds, so back off briefly,
                // with jitter so that two waiters do not retry in lockstep.
                Thread.Sleep(Random.Shared.Next(wait, 2 * wait + 1));
                wait = Math.Min(wait * 2, 20);
            }
            catch (IOException) when (File.Exists(path))
            {
                return null;
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
