using LiteDB;

namespace IBot.Pipeline.Scheduling;

/// <summary>
/// The queue's LiteDB file (<c>&lt;workspace&gt;/queue.db</c>), opened for one operation at a
/// time under an exclusive lock file. LiteDB's shared mode relies on a named mutex, which .NET
/// does not share between processes on Linux; an OS file lock (flock) does, and also serialises
/// threads of one process. Open, work, dispose (which checkpoints the log) and unlock: a
/// process killed at any point leaves either the old or the new state, never a half-write.
/// </summary>
public sealed class QueueDatabase(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>How long an operation waits for another process's lock before giving up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public T Use<T>(Func<LiteDatabase, T> work)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        using var fileLock = AcquireLock();
        using var db = new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Direct });
        return work(db);
    }

    public void Use(Action<LiteDatabase> work) => Use(db => { work(db); return true; });

    private FileStream AcquireLock()
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        var delay = 1;
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(delay);
                delay = Math.Min(delay * 2, 50);
            }
        }
    }
}
