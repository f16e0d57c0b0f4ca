using Quartz;

namespace IBot.Pipeline.Hosting;

/// <summary>Quartz job: find runs that died or hung, and pass cancel requests on.</summary>
[DisallowConcurrentExecution]
public sealed class HeartbeatJob(RunSupervisor supervisor) : IJob
{
    public static readonly JobKey Key = new("heartbeat", "service");

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        supervisor.CheckHeartbeats();
        return ValueTask.CompletedTask;
    }
}
