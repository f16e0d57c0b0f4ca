using IBot.Pipeline.Abstractions.Runs;

namespace IBot.Pipeline.Abstractions.Components;

/// <summary>
/// The <c>method</c> role (the spec's <c>train</c> section, whose <c>kind</c> names it): what a run
/// does with its components. iBOT's student–teacher training is one registered method; the
/// evaluation of pretrained weights (a spec without <c>train</c>) is another. The engine owns
/// everything around it: the run folder, lineage, heartbeat, cancellation and the final status.
/// </summary>
public interface IRunMethod
{
    /// <summary>Does the run's work and says how it ended. Reports progress, metrics, checkpoints and
    /// evaluations through <see cref="RunContext.Observer"/>; throws only for bad input
    /// (<see cref="InvalidDataException"/>, <see cref="ArgumentException"/>, a missing file).</summary>
    RunOutcome Run(RunContext context);
}
