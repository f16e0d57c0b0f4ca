namespace IBot.Pipeline.Scheduling;

/// <summary>What a submission created: the queued runs (and their sweep, when the spec had one),
/// or a schedule when the spec has <c>schedule:</c>.</summary>
public sealed record SubmitResult(string? SweepId, IReadOnlyList<QueuedRun> Runs, string? ScheduleId);
