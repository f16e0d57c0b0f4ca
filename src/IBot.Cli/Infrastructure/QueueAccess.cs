using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;

namespace IBot.Cli.Infrastructure;

/// <summary>The workspace's queue and schedule stores, as the queue commands open them.</summary>
public sealed record QueueAccess(Workspace Workspace, IRunQueue Queue, IScheduleStore Schedules)
{
    public static QueueAccess Open(string? workspaceOption)
    {
        var workspace = Workspace.Resolve(workspaceOption);
        var database = new QueueDatabase(workspace.QueueDatabase);
        return new QueueAccess(workspace, new LiteDbRunQueue(database), new LiteDbScheduleStore(database));
    }
}
