using IBot.Pipeline.Scheduling;
using Microsoft.Extensions.Logging;
using Quartz;

namespace IBot.Pipeline.Hosting;

/// <summary>Quartz job: makes the scheduler's cron triggers match the stored schedules, so
/// <c>ibot submit</c> and <c>ibot schedules remove</c> take effect on a running service. A
/// schedule that missed fire times while no service ran (its next fire after the last one, or
/// after its creation, has passed) fires once as soon as it is picked up, then keeps its cron:
/// Quartz's own "fire once now" misfire policy for cron triggers, and cron's "catch up once"
/// (anacron, systemd's Persistent=true). On a shared store the triggers are the cluster's (<paramref name="cluster"/>):
/// every node syncs, the first to add a trigger owns its catch-up fire, and a trigger that exists already is
/// left to Quartz, which fires a missed time once (cron's "fire once now" misfire policy).</summary>
[DisallowConcurrentExecution]
public sealed class ScheduleSyncJob(IScheduleStore schedules, ILogger<ScheduleSyncJob> logger, IScheduler? cluster = null) : IJob
{
    public static readonly JobKey Key = new("schedule-sync", "service");

    // Schedules already reported as unusable: the job runs every 10 s, the log says it once.
    private static readonly HashSet<string> Reported = [];

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var scheduler = cluster ?? context.Scheduler;
        var stored = schedules.List().ToDictionary(s => s.Id, StringComparer.Ordinal);
        var present = await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(ScheduledSubmitJob.Group), cancellationToken);
        foreach (var key in present.Where(k => !stored.ContainsKey(k.Name)))
        {
            await scheduler.DeleteJob(key, cancellationToken);
            logger.LogInformation("schedule {Schedule} removed", key.Name);
        }
        foreach (var entry in stored.Values.Where(s => !present.Any(k => k.Name == s.Id)))
        {
            // Stored before CronCheck existed, or edited by hand: never hand Quartz an expression it cannot parse in bounded time.
            if (Specs.CronCheck.Problem(entry.Cron, DateTimeOffset.UtcNow) is { } problem)
            {
                lock (Reported)
                    if (Reported.Add(entry.Id)) logger.LogError("schedule {Schedule} ({Cron}) skipped: {Problem}", entry.Id, entry.Cron, problem);
                continue;
            }
            var job = JobBuilder.Create<ScheduledSubmitJob>()
                .WithIdentity(entry.Id, ScheduledSubmitJob.Group)
                .UsingJobData(ScheduledSubmitJob.ScheduleIdKey, entry.Id)
                .Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(entry.Id, ScheduledSubmitJob.Group)
                .WithCronSchedule(entry.Cron)
                .Build();
            try
            {
                await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions(), cancellationToken);
            }
            catch (ObjectAlreadyExistsException)
            {
                // Another node of the cluster added it between the listing and here: its trigger, its catch-up.
                continue;
            }
            // The trigger's own first fire (Quartz also fires a time due in the second before it was added): a time before it
            // was missed, that one is not; counting it too made two fires for one due time, the second refused by the claim.
            var first = trigger.NextFireTimeUtc ?? DateTimeOffset.UtcNow;
            logger.LogInformation("schedule {Schedule} ({Cron}) active; next fire {Next}", entry.Id, entry.Cron, first);
            if (MissedFire(entry, first) is { } missed)
            {
                logger.LogInformation("schedule {Schedule} missed its fire at {Missed} while no service ran: firing once now", entry.Id, missed);
                // Claimed by the latest missed due time, the same on every node starting in this cron period.
                await scheduler.TriggerJob(job.Key, ScheduledSubmitJob.DueData(LatestMissed(entry, missed, first)), cancellationToken);
            }
        }
    }

    /// <summary>The last due time before <paramref name="now"/>, from the first missed one (bounded: a frequent schedule
    /// missed for long is claimed by where the walk stops, still the same on every node).</summary>
    private static DateTimeOffset LatestMissed(ScheduleEntry entry, DateTimeOffset first, DateTimeOffset now)
    {
        var cron = new CronExpression(entry.Cron);
        var latest = first;
        for (var i = 0; i < 10_000 && cron.GetNextValidTimeAfter(latest) is { } next && next < now; i++) latest = next;
        return latest;
    }

    /// <summary>The first fire time after the schedule last fired (or, never fired, after it was
    /// created) if that time is before <paramref name="now"/>; null when nothing was missed (a fire due now is the trigger's own).</summary>
    public static DateTimeOffset? MissedFire(ScheduleEntry entry, DateTimeOffset now)
    {
        // Local time by default, as for the trigger WithCronSchedule builds.
        var cron = new CronExpression(entry.Cron);
        var since = new DateTimeOffset((entry.LastFiredAt ?? entry.CreatedAt).ToUniversalTime(), TimeSpan.Zero);
        return cron.GetNextValidTimeAfter(since) is { } next && next < now ? next : null;
    }
}
