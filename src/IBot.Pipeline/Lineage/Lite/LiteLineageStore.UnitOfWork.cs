using IBot.Pipeline.Storage;
using LiteDB;

namespace IBot.Pipeline.Lineage.Lite;

/// <summary>Units of work on the file (through <see cref="LiteStoreFile"/>: reads read-only, writes in
/// one transaction, a damaged file refused and left as it was) and the schema check.</summary>
public sealed partial class LiteLineageStore
{
    private LiteStoreFile StoreFile => storeFile ??= new LiteStoreFile(path, "lineage database",
        "restore it from a backup or an export (ibot lineage --export), or move it aside to start a new one",
        (message, inner) => new LineageStoreException(message, inner), lockTimeout);

    private LiteStoreFile? storeFile;

    /// <summary>One unit of work under the lock. Reads of a database that does not exist yet return
    /// <paramref name="empty"/> without creating it.</summary>
    private T Use<T>(bool write, Func<LiteDatabase, T> work, Func<T> empty) => write
        ? StoreFile.Write(work, db => CheckSchema(db, write: true))
        : StoreFile.Read(work, empty, db => CheckSchema(db, write: false));

    /// <summary>Whether the database can be used at all, checked before a run or a submission does any
    /// work: the header, every page, and the schema, read-only. A missing database passes (it is new).</summary>
    public void Verify() => StoreFile.Verify(db => CheckSchema(db, write: false));

    /// <summary>True when the database holds lineage; false for a new, empty file on a read.
    /// A new file is given the schema on its first write.</summary>
    private bool CheckSchema(LiteDatabase db, bool write)
    {
        var meta = db.GetCollection("meta").FindById("schema");
        if (meta is null)
        {
            var collections = db.GetCollectionNames().ToList();
            if (collections.Count > 0 && !(collections.Count == 1 && collections[0] == "meta"))
                throw new LineageStoreException($"the lineage database {path} has data but no schema record ({string.Join(", ", collections)}); it was left as it is — it is damaged or not written by ibot");
            if (!write) return false;
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
