using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Storage;

namespace IBot.Pipeline.Postgres;

/// <summary>
/// <c>postgres://user@host:port/database</c>: the queue, schedules, node and run heartbeats and lineage in one
/// PostgreSQL database that several <c>ibot serve</c> nodes share. Opening connects to nothing; the first unit
/// of work does, and the first write brings the schema up to date (<see cref="PgMigrations"/>). Run folders and
/// checkpoints stay in the workspace, which the nodes share as a file system path.
/// </summary>
public sealed class PgStoreProvider : IStoreProvider
{
    public bool Handles(StoreLocation location) => location.IsPostgres;

    public WorkspaceStores Open(StoreLocation location, Workspace workspace)
    {
        var database = new PgDatabase(location);
        var queue = new PgRunQueue(database);
        var lineage = new PgLineageStore(database);
        return new WorkspaceStores
        {
            Location = location, Workspace = workspace,
            Queue = queue, Schedules = new PgScheduleStore(database), Lineage = lineage, Cluster = queue,
            ClusterTriggers = new PgClusterTriggers(database),
            Check = () =>
            {
                // Read-only, as every command checks before its work: a database without ibot's schema stays empty.
                var version = database.Verify((message, inner) => new QueueStoreException(message, inner));
                return version == 0
                    ? $"reachable (new: no ibot schema yet; the first write creates version {PgDatabase.SchemaVersion})"
                    : $"reachable, schema version {version}";
            },
        };
    }
}
