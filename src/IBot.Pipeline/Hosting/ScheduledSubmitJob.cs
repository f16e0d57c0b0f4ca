using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Specs;
using Microsoft.Extensions.Logging;
using Quartz;

namespace IBot.Pipeline.Hosting;

/// <summary>Quartz job behind each cron trigger: submits the schedule's spec (and its sweep) to the queue.</summary>
public sealed class ScheduledSubmitJob(IScheduleStore schedules, RunSubmitter submitter, ILogger<ScheduledSubmitJob> logger) : IJob
{
    public const string Group = "schedules";
    public const string ScheduleIdKey = "schedule";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = context.MergedJobDataMap.GetString(ScheduleIdKey);
        var entry = schedules.List().FirstOrDefault(s => s.Id == id);
        if (entry is null) return ValueTask.CompletedTask;
        try
        {
            var result = submitter.Fire(entry);
            schedules.MarkFired(entry.Id, DateTime.UtcNow);
            logger.LogInformation("schedule {Schedule} fired: {Count} run(s) queued", entry.Id, result.Runs.Count);
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
