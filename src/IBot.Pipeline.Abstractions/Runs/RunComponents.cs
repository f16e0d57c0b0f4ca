using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Abstractions.Runs;

/// <summary>Every component of a run, built by the engine through the registry from the spec's
/// sections (absent sections are null or empty).</summary>
public sealed record RunComponents
{
    /// <summary>The method (<c>train</c>, or the evaluation-only method when the spec has no <c>train</c>).</summary>
    public required PlannedComponent Method { get; init; }

    public IImageSource? TrainData { get; init; }

    public IImageSource? EvalTrainData { get; init; }

    public IImageSource? EvalTestData { get; init; }

    public PlannedComponent? Augmentation { get; init; }

    public PlannedComponent? Masking { get; init; }

    public PlannedComponent? Backbone { get; init; }

    public IReadOnlyDictionary<string, PlannedComponent> Heads { get; init; } = new Dictionary<string, PlannedComponent>();

    public IReadOnlyList<PlannedObjective> Objectives { get; init; } = [];

    public IReadOnlyList<PlannedEvaluator> Evaluators { get; init; } = [];
}
