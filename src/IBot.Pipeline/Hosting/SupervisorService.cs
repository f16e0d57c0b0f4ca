using Microsoft.Extensions.Hosting;
using Quartz;

namespace IBot.Pipeline.Hosting;

/// <summary>
/// The hosted service around <see cref="RunSupervisor"/>. Registered before Quartz's hosted
/// service, so it recovers the queue before the first dispatch and, since hosts stop services in
/// reverse order, stops the runs only after Quartz has stopped firing jobs.
/// </summary>
public sealed class SupervisorService(RunSupervisor supervisor, ISchedulerFactory schedulers) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        supervisor.Recover();
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        // A finished run frees a slot: dispatch now rather than at the next tick.
        supervisor.RunExited += () => _ = TriggerDispatch(scheduler);
    }

    private static async Task TriggerDispatch(IScheduler scheduler)
    {
        try
        {
            await scheduler.TriggerJob(DispatchJob.Key, new JobDataMap(), CancellationToken.None);
        }
        catch (SchedulerException)
        {
            // Shutting down: the supervisor settles the run itself.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => supervisor.StopAsync(cancellationToken);
}
