using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Masking;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Runs;

/// <summary>Optimisation settings of a run (the spec's <c>train</c> section).</summary>
public sealed record TrainSettings(
    int Epochs,
    int BatchSize,
    double Lr,
    double MinLr,
    int WarmupEpochs,
    double WeightDecayStart,
    double WeightDecayEnd,
    double TeacherMomentum,
    double ClipGrad,
    int FreezeLastLayer,
    int LogEvery,
    int CheckpointEvery,
    int Workers,
    int Shards = 0);

/// <summary>An evaluator to run during and after training.</summary>
/// <param name="Name">Metric prefix (its kind, made unique).</param>
/// <param name="Evaluator">The protocol.</param>
/// <param name="Every">Epochs between runs; 0 = at the end only (and at initialisation).</param>
/// <param name="Network">Whose backbone it evaluates.</param>
/// <param name="Kind">Its registered kind (the name when not given).</param>
/// <param name="Options">Its resolved options, recorded with every result in <c>evaluations.jsonl</c>.</param>
public sealed record PlannedEvaluator(string Name, IEvaluator Evaluator, int Every, EvaluatedNetwork Network, string? Kind = null, object? Options = null);

/// <summary>Everything a training run needs, resolved from a spec: data, networks, objective,
/// schedules and evaluators. Built by the engine's front doors; the trainer only reads it.</summary>
public sealed record TrainingPlan(
    string Name,
    long Seed,
    Device Device,
    IImageSource TrainData,
    IImageSource? EvalTrain,
    IImageSource? EvalTest,
    MultiCropOptions Crops,
    MaskGenerator? Masks,
    VitSpec Backbone,
    HeadSpec Head,
    IBotLossSpec Loss,
    TrainSettings Settings,
    IReadOnlyList<PlannedEvaluator> Evaluators,
    string SpecYaml);
