using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Components;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Specs;
using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Runs;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace IBot.Cli.Infrastructure;

/// <summary>Turns a validated spec into a <see cref="TrainingPlan"/>: components constructed through the
/// container by kind, options mapped onto the trainer's settings.</summary>
public static class PlanBuilder
{
    /// <summary>The spec's evaluators, named by kind (numbered when a kind repeats).</summary>
    public static List<PlannedEvaluator> Evaluators(ResolvedSpec spec, IServiceProvider services)
    {
        var names = new Dictionary<string, int>();
        return spec.Evaluators.Select(e =>
        {
            names[e.Kind] = names.GetValueOrDefault(e.Kind) + 1;
            var name = names[e.Kind] == 1 ? e.Kind : $"{e.Kind}{names[e.Kind]}";
            var network = (e.Options as IEvaluatedNetworkOptions)?.Network ?? EvaluatedNetwork.Teacher;
            return new PlannedEvaluator(name, ComponentCatalog.Create<IEvaluator>(services, e.Descriptor, e.Options), (e.Options as IPeriodicOptions)?.Every ?? 0, network, e.Kind, e.Options);
        }).ToList();
    }

    /// <summary>An evaluation-only run of a spec without <c>train</c>; the weights may name a run in <paramref name="workspace"/>.</summary>
    public static EvaluationRun BuildEvaluation(ResolvedSpec spec, DeviceSpec device, Workspace workspace, string runFolder, IRunObserver observer)
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var vit = spec.Backbone!.OptionsAs<VitSpec>();
        return new EvaluationRun(vit, Weights(spec, workspace),
            ComponentCatalog.Create<IImageSource>(services, spec.EvalTrainData!.Descriptor, spec.EvalTrainData.Options),
            ComponentCatalog.Create<IImageSource>(services, spec.EvalTestData!.Descriptor, spec.EvalTestData.Options),
            Evaluators(spec, services), Torch(device), runFolder, observer);
    }

    /// <summary>The file an evaluation-only spec's <c>backbone.weights</c> names: a file, or a run's checkpoint.</summary>
    public static string Weights(ResolvedSpec spec, Workspace workspace)
    {
        var vit = spec.Backbone!.OptionsAs<VitSpec>();
        var weights = vit.Weights!;
        if (File.Exists(weights)) return weights;
        var checkpoint = Path.Combine(workspace.RunFolder(weights), "checkpoints", IBotRun.CheckpointFile);
        return File.Exists(checkpoint) ? checkpoint
            : throw new FileNotFoundException($"backbone.weights '{vit.Weights}' is neither a file nor a run with a checkpoint in {workspace.Root}");
    }

    private static Device Torch(DeviceSpec device) => device.Kind == DeviceKind.Cpu ? CPU : new Device(TorchSharp.DeviceType.CUDA, device.Index);

    public static TrainingPlan Build(ResolvedSpec spec, DeviceSpec device)
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        T Make<T>(ResolvedComponent c) where T : class => ComponentCatalog.Create<T>(services, c.Descriptor, c.Options);
        var train = spec.Spec.Train ?? throw new InvalidDataException($"{spec.SourcePath}: no 'train' section; ibot run needs one");
        var objective = spec.Objectives.Single(o => o.Options is IBotLossSpec);
        var lossSpec = objective.OptionsAs<IBotLossSpec>();
        var head = spec.Heads[lossSpec.Head].OptionsAs<HeadSpec>();
        var masking = spec.Masking is null ? null : Make<object>(spec.Masking) switch
        {
            BlockMasking b => b.Generator,
            RandomMasking r => r.Generator,
            var other => throw new InvalidDataException($"masking kind '{spec.Masking.Kind}' ({other.GetType().Name}) is not supported by the iBOT trainer"),
        };
        var evaluators = Evaluators(spec, services);
        var wd = train.Optimizer.WeightDecay;
        return new TrainingPlan(
            spec.Spec.Name,
            spec.Spec.Seed,
            Torch(device),
            Make<IImageSource>(spec.TrainData!),
            spec.EvalTrainData is null ? null : Make<IImageSource>(spec.EvalTrainData),
            spec.EvalTestData is null ? null : Make<IImageSource>(spec.EvalTestData),
            spec.Augmentation!.OptionsAs<MultiCropSpec>().ToOptions(),
            masking,
            spec.Backbone!.OptionsAs<VitSpec>(),
            head,
            lossSpec,
            new TrainSettings(train.Epochs, train.BatchSize, train.Optimizer.Lr, train.Optimizer.MinLr, train.Optimizer.WarmupEpochs,
                wd[0], wd[^1], train.TeacherMomentum, train.ClipGrad, train.FreezeLastLayer, train.LogEvery, train.CheckpointEvery, train.Workers, train.Shards),
            evaluators,
            spec.ToYaml());
    }
}
