using IBot.Pipeline.Storage;
using LiteDB;

namespace IBot.Pipeline.Scheduling;

/// <summary>
/// The queue's LiteDB file (<c>&lt;workspace&gt;/queue.db</c>), opened for one operation at a
/// time under an exclusive lock file. LiteDB's shared mode relies on a named mutex, which .NET
/// does not share between processes on Linux; an OS file lock (flock) does, and also serialises
/// threads of one process. Open, work, dispose (which checkpoints the log) and unlock: a
/// process killed at any point leaves either the old or the new state, never a half-write.
/// Reads open the file read-only and create nothing; a damaged file is refused and left as it was
/// (see <see cref="LiteStoreFile"/>).
/// </summary>
public sealed class QueueDatabase(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>How long an operation waits for another process's lock before giving up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(60);

    private LiteStoreFile StoreFile => storeFile ??= new LiteStoreFile(Path, "queue database",
        "move it aside to start an empty queue (the run folders and their lineage stay; resubmit what should run)",
        (message, inner) => new QueueStoreException(message, inner), LockTimeout);

    private LiteStoreFile? storeFile;

    public bool Exists => StoreFile.Exists;

    /// <summary>A read of the file as it is: <paramref name="absent"/> when there is no queue yet.</summary>
    public T Read<T>(Func<LiteDatabase, T> work, Func<T> absent) => StoreFile.Read(work, absent);

    /// <summary>A change, in one transaction; creates the workspace folder and the file when missing.</summary>
    public T Write<T>(Func<LiteDatabase, T> work) => StoreFile.Write(work);

    public void Write(Action<LiteDatabase> work) => Write(db => { work(db); return true; });

    /// <summary>A change to what is already queued: <paramref name="absent"/>, and nothing created, when there is no queue.</summary>
    public T Change<T>(Func<LiteDatabase, T> work, Func<T> absent) => Exists ? Write(work) : absent();

    /// <summary>Whether the queue can be used at all, checked before a submission does any work.</summary>
    public void Verify() => StoreFile.Verify();
}
