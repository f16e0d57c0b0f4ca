namespace IBot.Pipeline.Lineage.Model;

/// <summary>One entry of a run's status history: the new status, when, and why (failures, resumes).</summary>
public sealed record StatusChange(string RunId, RunState Status, DateTime At, string? Reason = null);
