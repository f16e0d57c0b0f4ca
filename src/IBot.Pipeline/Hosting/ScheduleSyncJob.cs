using IBot.Pipeline.Scheduling;
using Microsoft.Extensions.Logging;
using Quartz;

namespace IBot.Pipeline.Hosting;

/// <summary>Quartz job: makes the scheduler's cron triggers match the stored schedules, so
/// <c>ibot submit</c> and <c>ibot schedules remove</c> take effect on a running service.</summary>
[DisallowConcurrentExecution]
public sealed class ScheduleSyncJob(IScheduleStore schedules, ILogger<ScheduleSyncJob> logger) : IJob
{
    public static readonly JobKey Key = new("schedule-sync", "service");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var scheduler = context.Scheduler;
        var stored = schedules.List().ToDictionary(s => s.Id, StringComparer.Ordinal);
        var present = await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(ScheduledSubmitJob.Group), cancellationToken);
        foreach (var key in present.Where(k => !stored.ContainsKey(k.Name)))
        {
            await scheduler.DeleteJob(key, cancellationToken);
            logger.LogInformation("schedule {Schedule} removed", key.Name);
        }
        foreach (var entry in stored.Values.Where(s => !present.Any(k => k.Name == s.Id)))
        {
            var job = JobBuilder.Create<ScheduledSubmitJob>()
                .WithIdentity(entry.Id, ScheduledSubmitJob.Group)
                .UsingJobData(ScheduledSubmitJob.ScheduleIdKey, entry.Id)
                .Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(entry.Id, ScheduledSubmitJob.Group)
                .WithCronSchedule(entry.Cron)
                .Build();
            await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions(), cancellationToken);
            logger.LogInformation("schedule {Schedule} ({Cron}) active; next fire {Next}", entry.Id, entry.Cron, trigger.GetFireTimeAfter(DateTimeOffset.UtcNow));
        }
    }
}
