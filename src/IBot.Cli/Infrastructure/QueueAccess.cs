using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Storage;

namespace IBot.Cli.Infrastructure;

/// <summary>The queue and schedule stores of a workspace and store location, as the queue commands open them.</summary>
public sealed record QueueAccess(WorkspaceStores Stores)
{
    public Workspace Workspace => Stores.Workspace;

    public IRunQueue Queue => Stores.Queue;

    public IScheduleStore Schedules => Stores.Schedules;

    /// <summary>Lineage of queue events (submitted, cancelled, interrupted, requeued) in the store's lineage.</summary>
    public QueueLineage Lineage(Action<string> warn) => Stores.QueueLineage(warn);

    public static QueueAccess Open(string? workspaceOption, string? storeOption) => new(CliStores.Open(workspaceOption, storeOption));
}
