using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Components;
using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Runs;

/// <summary>
/// Builds every component a resolved spec names, through the registry by kind with its bound
/// options (a plugin's exactly as a built-in's): data sources, augmentation, masking, backbone,
/// heads, objectives (with their term names and weights), evaluators and the method.
/// </summary>
public static class RunPlanner
{
    public static RunComponents Build(ResolvedSpec spec, IServiceProvider services)
    {
        PlannedComponent? Make(ResolvedComponent? c, string section) =>
            c is null ? null : new PlannedComponent(section, c.Kind, ComponentCatalog.Create<object>(services, c.Descriptor, c.Options), c.Options);
        IImageSource? Data(ResolvedComponent? c, string section) => Make(c, section)?.As<IImageSource>();

        var method = spec.Method ?? throw new InvalidDataException($"{spec.SourcePath}: nothing to run (no 'train', and no backbone to evaluate)");
        return new RunComponents
        {
            Method = Make(method, spec.IsTraining ? "train" : "evaluation")!,
            TrainData = Data(spec.TrainData, "data.train"),
            EvalTrainData = Data(spec.EvalTrainData, "data.eval_train"),
            EvalTestData = Data(spec.EvalTestData, "data.eval_test"),
            Augmentation = Make(spec.Augmentation, "augmentation"),
            Masking = Make(spec.Masking, "masking"),
            Backbone = Make(spec.Backbone, "backbone"),
            Heads = spec.Heads.ToDictionary(h => h.Key, h => Make(h.Value, $"heads.{h.Key}")!),
            Objectives = spec.Objectives.Select((o, i) => new PlannedObjective(o.Name, o.Weight, Make(o.Component, $"objectives[{i}]")!)).ToList(),
            Evaluators = Evaluators(spec, services),
        };
    }

    /// <summary>The spec's evaluators, named by kind (numbered when a kind repeats).</summary>
    public static List<PlannedEvaluator> Evaluators(ResolvedSpec spec, IServiceProvider services)
    {
        var names = new Dictionary<string, int>();
        return spec.Evaluators.Select((e, i) =>
        {
            names[e.Kind] = names.GetValueOrDefault(e.Kind) + 1;
            var name = names[e.Kind] == 1 ? e.Kind : $"{e.Kind}{names[e.Kind]}";
            var evaluator = new PlannedComponent($"evaluate[{i}]", e.Kind, ComponentCatalog.Create<object>(services, e.Descriptor, e.Options), e.Options).As<IEvaluator>();
            var network = (e.Options as IEvaluatedNetworkOptions)?.Network ?? EvaluatedNetwork.Teacher;
            return new PlannedEvaluator(name, e.Kind, evaluator, (e.Options as IPeriodicOptions)?.Every ?? 0, network, e.Options);
        }).ToList();
    }

    /// <summary>Disposes the components that hold resources (open files, native memory).</summary>
    public static void Dispose(RunComponents components)
    {
        IEnumerable<object?> all = [components.Method.Instance, components.TrainData, components.EvalTrainData, components.EvalTestData,
            components.Augmentation?.Instance, components.Masking?.Instance, components.Backbone?.Instance,
            .. components.Heads.Values.Select(h => h.Instance), .. components.Objectives.Select(o => o.Component.Instance),
            .. components.Evaluators.Select(e => e.Evaluator)];
        foreach (var d in all.OfType<IDisposable>().Distinct(ReferenceEqualityComparer.Instance).Cast<IDisposable>()) d.Dispose();
    }
}
