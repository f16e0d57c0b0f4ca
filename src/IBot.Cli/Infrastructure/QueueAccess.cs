using IBot.Pipeline.Lineage;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;

namespace IBot.Cli.Infrastructure;

/// <summary>The workspace's queue and schedule stores, as the queue commands open them.</summary>
public sealed record QueueAccess(Workspace Workspace, IRunQueue Queue, IScheduleStore Schedules)
{
    /// <summary>Lineage of queue events (submitted, cancelled, interrupted, requeued) in the workspace's lineage store.</summary>
    public QueueLineage Lineage(Action<string> warn) => new(LineageStores.Open(Workspace), warn);

    public static QueueAccess Open(string? workspaceOption)
    {
        var workspace = Workspace.Resolve(workspaceOption);
        var database = new QueueDatabase(workspace.QueueDatabase);
        return new QueueAccess(workspace, new LiteDbRunQueue(database), new LiteDbScheduleStore(database));
    }
}
