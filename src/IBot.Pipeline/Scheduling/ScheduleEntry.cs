namespace IBot.Pipeline.Scheduling;

/// <summary>A spec submitted at every fire time of its Quartz cron expression. Stored in the
/// queue database, so schedules survive service restarts; the spec is kept composed (with
/// <c>--set</c> applied), so later edits of the file do not change what was scheduled.</summary>
public sealed class ScheduleEntry
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Cron { get; set; } = "";
    public string SpecYaml { get; set; } = "";
    public string SourcePath { get; set; } = "";
    public int Priority { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastFiredAt { get; set; }
    /// <summary>The due time (by the cron expression) of the last fire submitted: what nodes compare to submit a
    /// fire time once, whatever their clocks' small differences (<see cref="IScheduleStore.ClaimFire"/>).</summary>
    public DateTime? LastFireDue { get; set; }
}
