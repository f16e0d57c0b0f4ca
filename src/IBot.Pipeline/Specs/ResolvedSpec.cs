using IBot.Pipeline.Abstractions.Components;

namespace IBot.Pipeline.Specs;

/// <summary>A component with its registration and bound, validated options.</summary>
public sealed record ResolvedComponent(ComponentDescriptor Descriptor, object Options, ComponentSpec Spec)
{
    public string Kind => Descriptor.Kind;

    public T OptionsAs<T>() where T : class => Options as T
        ?? throw new InvalidOperationException($"{Descriptor.Role} '{Kind}' has options {Options.GetType().Name}, not {typeof(T).Name}");
}

/// <summary>An entry of <c>objectives</c>: its term name (unique; its kind unless it gives <c>name</c>),
/// its <c>weight</c> in the total loss, and the component.</summary>
public sealed record ResolvedObjective(string Name, double Weight, ResolvedComponent Component);

/// <summary>A spec that passed every check: the composed YAML tree, the typed top level, every
/// component resolved, and the canonical form with its hash (for lineage and reuse).</summary>
public sealed class ResolvedSpec
{
    public required string SourcePath { get; init; }
    public required SpecMapping Tree { get; init; }
    public required ExperimentSpec Spec { get; init; }
    public ResolvedComponent? TrainData { get; init; }
    public ResolvedComponent? EvalTrainData { get; init; }
    public ResolvedComponent? EvalTestData { get; init; }
    public ResolvedComponent? Augmentation { get; init; }
    public ResolvedComponent? Masking { get; init; }
    public ResolvedComponent? Backbone { get; init; }
    public required IReadOnlyDictionary<string, ResolvedComponent> Heads { get; init; }
    public required IReadOnlyList<ResolvedObjective> Objectives { get; init; }

    /// <summary>The method: <c>train</c>'s kind, or the evaluation method for a spec without <c>train</c>.</summary>
    public ResolvedComponent? Method { get; init; }
    public required IReadOnlyList<ResolvedComponent> Evaluators { get; init; }

    public string CanonicalJson => CanonicalSpec.Json(Tree);

    public string Hash => CanonicalSpec.Hash(Tree);

    public bool IsTraining => Spec.Train is not null;

    /// <summary>The composed spec as YAML, as saved with each run.</summary>
    public string ToYaml() => SpecYamlWriter.Write(Tree);
}
