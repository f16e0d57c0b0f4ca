using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runtime;

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

    /// <summary>Every component with its section path (<c>backbone</c>, <c>heads.ibot</c>, <c>objectives[0]</c>, <c>train</c>, <c>evaluate[1]</c>, …).</summary>
    public IEnumerable<(string Path, ResolvedComponent Component)> Components()
    {
        (string, ResolvedComponent?)[] single =
        [
            ("data.train", TrainData), ("data.eval_train", EvalTrainData), ("data.eval_test", EvalTestData),
            ("augmentation", Augmentation), ("masking", Masking), ("backbone", Backbone),
        ];
        foreach (var (path, c) in single)
            if (c is not null) yield return (path, c);
        foreach (var (name, c) in Heads) yield return ($"heads.{name}", c);
        for (var i = 0; i < Objectives.Count; i++) yield return ($"objectives[{i}]", Objectives[i].Component);
        if (Method is not null) yield return ("train", Method);
        for (var i = 0; i < Evaluators.Count; i++) yield return ($"evaluate[{i}]", Evaluators[i]);
    }

    /// <summary>The components' advice for <paramref name="device"/> (<see cref="IAdvisedOptions"/>), one line each, each said once.</summary>
    public IReadOnlyList<string> Advice(DeviceSpec device) =>
        Components().SelectMany(c => c.Component.Options is IAdvisedOptions advised
                ? advised.Advise(device).Select(a => $"{c.Path}.{a.Path}: {a.Message}")
                : [])
            .Distinct()
            .ToList();

    /// <summary>The composed spec as YAML, as saved with each run.</summary>
    public string ToYaml() => SpecYamlWriter.Write(Tree);
}
