namespace IBot.Pipeline.Abstractions.Runs;

/// <summary>How a run's work ended (<see cref="RunState.Completed"/>, <see cref="RunState.Failed"/> or
/// <see cref="RunState.Cancelled"/>), with its last checkpoint and final metrics.</summary>
public sealed record RunOutcome(RunState Status, string? Reason, string? LastCheckpoint, IReadOnlyDictionary<string, double> Metrics, int EpochsDone);
