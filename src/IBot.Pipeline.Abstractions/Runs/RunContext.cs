using IBot.Pipeline.Abstractions.Runtime;

namespace IBot.Pipeline.Abstractions.Runs;

/// <summary>What the engine hands a method for one run.</summary>
public sealed record RunContext
{
    /// <summary>The run folder and its files.</summary>
    public required RunLayout Layout { get; init; }

    /// <summary>The spec's name.</summary>
    public required string Name { get; init; }

    /// <summary>The root of every random stream.</summary>
    public required long Seed { get; init; }

    public required DeviceSpec Device { get; init; }

    /// <summary>Continue from the run folder's checkpoint when there is one.</summary>
    public bool Resume { get; init; }

    /// <summary>The resolved spec, saved inside checkpoints.</summary>
    public required string SpecYaml { get; init; }

    /// <summary>Evaluation-only runs: the file holding the weights to evaluate (a run id already resolved).</summary>
    public string? Weights { get; init; }

    public required RunComponents Components { get; init; }

    /// <summary>Progress, metrics, evaluations and messages; the engine records them.</summary>
    public required IRunObserver Observer { get; init; }

    /// <summary>Cancelled by <c>ibot cancel</c>, SIGINT/SIGTERM or the service: checkpoint where you are and return
    /// <see cref="RunState.Cancelled"/>.</summary>
    public CancellationToken Cancellation { get; init; }
}
