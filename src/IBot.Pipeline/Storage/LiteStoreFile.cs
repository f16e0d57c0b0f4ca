using System.Diagnostics;
using LiteDB;

namespace IBot.Pipeline.Storage;

/// <summary>
/// A store's LiteDB file, used one unit of work at a time under an exclusive <see cref="StoreLock"/>
/// and left as it was whenever it cannot be used:
/// <list type="bullet">
/// <item>reads open it read-only, so LiteDB cannot repair or mark it; reading a file that does not
/// exist returns the empty answer and creates nothing (no file, no folder);</item>
/// <item>every open is preceded by <see cref="LiteFileCheck.HeaderProblem"/>: an empty file, a file
/// cut short or marked damaged is refused before LiteDB sees it;</item>
/// <item>a write is one transaction; when it fails inside LiteDB, LiteDB's "damaged" mark and the log
/// the failed unit left are taken back, so the file is byte for byte as before the unit;</item>
/// <item>anything LiteDB throws becomes the store's <see cref="StoreException"/>, one line naming the
/// file, what is wrong and what to do.</item>
/// </list>
/// </summary>
/// <param name="path">The database file.</param>
/// <param name="kind">What the file is, for messages ("lineage database").</param>
/// <param name="remedy">What the user can do with a damaged file, for messages.</param>
/// <param name="error">The store's exception for a message and its cause.</param>
/// <param name="lockTimeout">How long a unit waits for another process's lock.</param>
public sealed class LiteStoreFile(string path, string kind, string remedy, Func<string, Exception?, StoreException> error, TimeSpan? lockTimeout = null)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public bool Exists => File.Exists(Path);

    private string LockPath => Path + ".lock";

    private readonly TimeSpan timeout = lockTimeout ?? TimeSpan.FromSeconds(60);

    /// <summary>A read: <paramref name="absent"/> when the file does not exist or <paramref name="prepare"/>
    /// says it holds nothing yet; otherwise <paramref name="work"/> on the file opened read-only.</summary>
    public T Read<T>(Func<LiteDatabase, T> work, Func<T> absent, Func<LiteDatabase, bool>? prepare = null)
    {
        if (!Exists) return absent();
        using var held = Lock();
        if (!Exists) return absent();
        return Guarded(() =>
        {
            using var db = Open(readOnly: true);
            return prepare is null || prepare(db) ? work(db) : absent();
        });
    }

    /// <summary>A write: the folder and file are created when missing; <paramref name="prepare"/> runs
    /// first (a new file's schema), then <paramref name="work"/> in one transaction.</summary>
    public T Write<T>(Func<LiteDatabase, T> work, Action<LiteDatabase>? prepare = null)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        using var held = Lock();
        var log = LiteFileCheck.LogPath(Path);
        var hadLog = File.Exists(log);
        // Only a mark this unit set is taken back; a file marked before is refused by the header check anyway.
        var unmarked = Exists && !LiteFileCheck.IsMarkedInvalid(Path);
        try
        {
            return Guarded(() =>
            {
                using var db = Open(readOnly: false);
                prepare?.Invoke(db);
                db.BeginTrans();
                try
                {
                    var result = work(db);
                    db.Commit();
                    return result;
                }
                catch
                {
                    // A LiteDB that met damage has closed itself and throws again here: the first error is the one to report.
                    try { db.Rollback(); } catch (Exception e) when (FromLiteDb(e)) { }
                    throw;
                }
            });
        }
        catch
        {
            // The unit failed and LiteDB is closed: take back what LiteDB wrote on its way out.
            if (unmarked) LiteFileCheck.ClearInvalidMark(Path);
            if (!hadLog && File.Exists(log)) File.Delete(log);
            throw;
        }
    }

    /// <summary>The check a command makes before any work: the header, every page's place and type, and a
    /// read-only open with <paramref name="read"/> (the store's own checks). A missing file passes: it is new.</summary>
    public void Verify(Action<LiteDatabase>? read = null)
    {
        if (!Exists) return;
        using var held = Lock();
        if (!Exists) return;
        if (LiteFileCheck.Problem(Path) is { } problem) throw Damaged(problem, null);
        Guarded(() =>
        {
            using var db = Open(readOnly: true);
            read?.Invoke(db);
            return 0;
        });
    }

    private StoreLock Lock()
    {
        try
        {
            if (StoreLock.TryAcquire(LockPath, timeout) is { } held) return held;
            var busy = error($"the {kind} {Path} is busy: {LockPath} stayed locked for {timeout.TotalSeconds:F0} s", null);
            busy.Transient = true;
            throw busy;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw error($"the {kind} {Path} cannot be locked ({e.Message})", e);
        }
    }

    private LiteDatabase Open(bool readOnly)
    {
        if (Exists && LiteFileCheck.HeaderProblem(Path) is { } problem) throw Damaged(problem, null);
        return new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Direct, ReadOnly = readOnly, Upgrade = false });
    }

    private T Guarded<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && FromLiteDb(e))
        {
            throw error($"the {kind} {Path} could not be read or written ({e.Message}); it was left as it is", e);
        }
        catch (Exception e) when (e is not StoreException && FromLiteDb(e))
        {
            throw Damaged(e.Message, e);
        }
    }

    /// <summary>Whether LiteDB raised <paramref name="e"/> (it passed through LiteDB's code): then the file is
    /// at fault, not the store's own logic, whose errors (a run recorded twice) pass through unchanged.</summary>
    private static bool FromLiteDb(Exception e) =>
        e is LiteException || (e is not (OutOfMemoryException or OperationCanceledException or StoreException)
            && new StackTrace(e, false).GetFrames().Any(f => f.GetMethod()?.DeclaringType?.Assembly == typeof(LiteDatabase).Assembly));

    private StoreException Damaged(string reason, Exception? inner) =>
        error($"the {kind} {Path} is damaged or not a {kind} ({OneLine(reason)}); it was left as it is — {remedy}", inner);

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
