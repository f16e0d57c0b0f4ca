namespace IBot.Pipeline.Runs;

/// <summary>The file that held the evaluated weights: its path, SHA-256 (it may be overwritten
/// later) and, for a training checkpoint of this run, the epoch it was saved after.</summary>
public sealed record EvaluatedCheckpoint(string Path, string Sha256, int? Epoch);
