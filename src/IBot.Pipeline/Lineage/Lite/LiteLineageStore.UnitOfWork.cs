using LiteDB;

namespace IBot.Pipeline.Lineage.Lite;

/// <summary>Opening, the schema check and the translation of LiteDB's failures into clear errors.</summary>
public sealed partial class LiteLineageStore
{
    private string LockPath => path + ".lock";

    /// <summary>One unit of work under the lock. Reads of a database that does not exist yet return
    /// <paramref name="empty"/> without creating it.</summary>
    private T Use<T>(bool write, Func<LiteDatabase, T> work, Func<T> empty)
    {
        if (!write && !File.Exists(path)) return empty();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var fileLock = StoreLock.Acquire(LockPath, lockTimeout);
        using var db = Open();
        if (!CheckSchema(db, write)) return empty();
        if (!write) return Guard(() => work(db));
        db.BeginTrans();
        try
        {
            var result = Guard(() => work(db));
            db.Commit();
            return result;
        }
        catch
        {
            db.Rollback();
            throw;
        }
    }

    // LiteDB 5's header page carries this text at byte 32, then the file format version (8).
    private static readonly byte[] HeaderInfo = "** This is a LiteDB file **"u8.ToArray();
    private const int HeaderInfoOffset = 32;
    private const byte FileVersion = 8;
    private const int PageSize = 8192;

    /// <summary>LiteDB "repairs" some files it cannot read (it pads or cuts them to whole pages), so a
    /// file that does not start like a LiteDB 5 file is refused before LiteDB ever opens it.</summary>
    private void CheckHeader()
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length == 0) return;
        var head = new byte[HeaderInfoOffset + HeaderInfo.Length + 1];
        int read;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)) read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read < head.Length || !head.AsSpan(HeaderInfoOffset, HeaderInfo.Length).SequenceEqual(HeaderInfo) || head[^1] != FileVersion || info.Length % PageSize != 0)
            throw Damaged(new InvalidDataException($"no LiteDB 5 header, or {info.Length} bytes is not a whole number of {PageSize}-byte pages"));
    }

    private LiteDatabase Open()
    {
        CheckHeader();
        try
        {
            return new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, Upgrade = false });
        }
        catch (Exception e) when (e is not LineageStoreException and not OutOfMemoryException)
        {
            throw Damaged(e);
        }
    }

    private T Guard<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (LiteException e)
        {
            throw Damaged(e);
        }
    }

    private LineageStoreException Damaged(Exception e) =>
        new($"the lineage database {path} is damaged or not a lineage database ({e.Message}); it was left as it is — restore it from a backup or an export (ibot lineage --export), or move it aside to start a new one", e);

    /// <summary>True when the database holds lineage; false for a new, empty file on a read.
    /// A new file is given the schema on its first write.</summary>
    private bool CheckSchema(LiteDatabase db, bool write)
    {
        var meta = Guard(() => db.GetCollection("meta").FindById("schema"));
        if (meta is null)
        {
            var collections = Guard(() => db.GetCollectionNames().ToList());
            if (collections.Count > 0 && !(collections.Count == 1 && collections[0] == "meta"))
                throw new LineageStoreException($"the lineage database {path} has data but no schema record ({string.Join(", ", collections)}); it was left as it is — it is damaged or not written by ibot");
            if (!write) return false;
            Guard(() =>
            {
                db.GetCollection("meta").Insert(new BsonDocument
                {
                    ["_id"] = "schema", ["version"] = SchemaVersion, ["created"] = LiteDocuments.Time(DateTime.UtcNow),
                    ["created_by"] = typeof(LiteLineageStore).Assembly.GetName().Version?.ToString() ?? "unknown",
                });
                db.GetCollection("meta").Insert(new BsonDocument { ["_id"] = "counters", ["runs"] = 0 });
                db.GetCollection("runs").EnsureIndex("ordinal", unique: true);
                db.GetCollection("runs").EnsureIndex("reuse_key");
                db.GetCollection("artifacts").EnsureIndex("sha256");
                db.GetCollection("relations").EnsureIndex("from");
                db.GetCollection("relations").EnsureIndex("to");
                db.GetCollection("metrics").EnsureIndex("run");
                db.GetCollection("evaluations").EnsureIndex("run");
                return 0;
            });
            return true;
        }
        var version = meta["version"].IsNumber ? meta["version"].AsInt32 : -1;
        if (version > SchemaVersion)
            throw new LineageStoreException($"the lineage database {path} has schema version {version}, written by a newer ibot; this ibot reads up to version {SchemaVersion}. Upgrade ibot; the database was left as it is");
        if (version < 1)
            throw new LineageStoreException($"the lineage database {path} has an unreadable schema version ({meta["version"]}); it was left as it is");
        return true;
    }
}
