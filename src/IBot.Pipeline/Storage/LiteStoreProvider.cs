using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage.Lite;
using IBot.Pipeline.Scheduling;

namespace IBot.Pipeline.Storage;

/// <summary>The one-machine default: <c>queue.db</c> and <c>lineage.db</c> in the workspace, each used one
/// locked unit of work at a time (see <see cref="QueueDatabase"/> and <see cref="LiteLineageStore"/>).</summary>
public sealed class LiteStoreProvider : IStoreProvider
{
    public bool Handles(StoreLocation location) => !location.IsPostgres;

    public WorkspaceStores Open(StoreLocation location, Workspace workspace)
    {
        var queue = new QueueDatabase(workspace.QueueDatabase);
        var lineage = new LiteLineageStore(workspace.LineageDatabase);
        return new WorkspaceStores
        {
            Location = location, Workspace = workspace,
            Queue = new LiteDbRunQueue(queue), Schedules = new LiteDbScheduleStore(queue), Lineage = lineage,
            Check = () =>
            {
                // Read-only checks, as every command makes before its work: nothing is created.
                queue.Verify();
                lineage.Verify();
                return queue.Exists || File.Exists(workspace.LineageDatabase) ? "usable" : "usable (new: no database files yet)";
            },
        };
    }
}
