using Quartz;

namespace IBot.Pipeline.Hosting;

/// <summary>Quartz job: match queued runs to free slots. Fires on an interval and whenever a run ends.</summary>
[DisallowConcurrentExecution]
public sealed class DispatchJob(RunSupervisor supervisor) : IJob
{
    public static readonly JobKey Key = new("dispatch", "service");

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        supervisor.Dispatch();
        return ValueTask.CompletedTask;
    }
}
