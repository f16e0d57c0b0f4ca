using IBot.Pipeline.Abstractions.Runs;

namespace IBot.Pipeline.Runs;

/// <summary>How a front door shows a run: each log line to <see cref="Echo"/> (step lines too unless
/// <see cref="EchoSteps"/> is off), warnings (a lineage write that failed) to <see cref="Warn"/>, and
/// every report to <see cref="Observer"/> (a progress bar).</summary>
public sealed record RunDisplay(Action<string>? Echo, bool EchoSteps = true, IRunObserver? Observer = null, Action<string>? Warn = null);
