namespace IBot.Pipeline.Specs;

/// <summary>One run a spec stands for: its validated spec and the sweep point it came from (the only
/// point, index 0 with no values, for a spec without a sweep).</summary>
public sealed record SweepRun(ResolvedSpec Spec, SweepPoint Point);
