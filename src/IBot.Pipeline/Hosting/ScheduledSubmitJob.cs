using System.Globalization;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Specs;
using Microsoft.Extensions.Logging;
using Quartz;

namespace IBot.Pipeline.Hosting;

/// <summary>Quartz job behind each cron trigger: submits the schedule's spec (and its sweep) to the queue, once per
/// fire time: the fire is first claimed in the schedule store (<see cref="IScheduleStore.ClaimFire"/>), so of several
/// nodes whose triggers fire for the same time, one submits. A missed fire caught up at start carries its due time.</summary>
public sealed class ScheduledSubmitJob(IScheduleStore schedules, RunSubmitter submitter, ILogger<ScheduledSubmitJob> logger) : IJob
{
    public const string Group = "schedules";
    public const string ScheduleIdKey = "schedule";
    public const string FireTimeKey = "fire-time";

    /// <summary>The job data of a catch-up fire due at <paramref name="due"/>: a string, as a persistent store keeps it whatever its serializer.</summary>
    public static JobDataMap DueData(DateTimeOffset due) => new() { [FireTimeKey] = due.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) };

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = context.MergedJobDataMap.GetString(ScheduleIdKey);
        var entry = schedules.List().FirstOrDefault(s => s.Id == id);
        if (entry is null) return ValueTask.CompletedTask;
        var due = context.MergedJobDataMap.ContainsKey(FireTimeKey)
            ? DateTime.Parse(context.MergedJobDataMap.GetString(FireTimeKey)!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)
            : (context.ScheduledFireTimeUtc ?? context.FireTimeUtc).UtcDateTime;
        // Whole seconds: cron's resolution, the same value on every node.
        due = new DateTime(due.Ticks - due.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        try
        {
            if (!schedules.ClaimFire(entry.Id, due))
            {
                logger.LogInformation("schedule {Schedule}: the fire at {Due:O} was submitted already (another node)", entry.Id, due);
                return ValueTask.CompletedTask;
            }
            var result = submitter.Fire(entry);
            logger.LogInformation("schedule {Schedule} fired: {Count} run(s) queued for the fire at {Due:O}", entry.Id, result.Runs.Count, due);
        }
        catch (SpecException e)
        {
            // Components can change between submission and a fire (a plugin removed): report, keep the schedule.
            logger.LogError("schedule {Schedule} could not submit: {Errors}", entry.Id, e.Message);
        }
        catch (Storage.StoreException e)
        {
            // A damaged queue or lineage database refuses the fire, as it refuses ibot submit; the schedule stays.
            logger.LogError("schedule {Schedule} could not submit: {Error}", entry.Id, e.Message);
        }
        return ValueTask.CompletedTask;
    }
}
