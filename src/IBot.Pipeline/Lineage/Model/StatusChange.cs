namespace IBot.Pipeline.Lineage.Model;

/// <summary>One entry of a run's status history: the new status, when, and why (failures, resumes).</summary>
/// <remarks>Device: the device the run runs on from this change (a run queued by <c>ibot submit</c>
/// learns its device only when the service starts it on a slot); null keeps the run's device.</remarks>
public sealed record StatusChange(string RunId, RunState Status, DateTime At, string? Reason = null, string? Device = null);
