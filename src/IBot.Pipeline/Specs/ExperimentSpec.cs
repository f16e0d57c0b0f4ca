using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace IBot.Pipeline.Specs;

/// <summary>The top level of a spec. Component sections hold a <c>kind</c> and that kind's options.</summary>
public sealed class ExperimentSpec
{
    [Required, Description("Experiment name; runs are named after it.")]
    public string Name { get; init; } = "";

    [Description("Free text shown by ibot show.")]
    public string? Description { get; init; }

    [Description("Root of every random stream (initialisation, data order, augmentation, masks).")]
    public long Seed { get; init; }

    [Description("Datasets: train (pre-training) and eval (k-NN / linear evaluation: its train and test splits).")]
    public DataSection Data { get; init; } = new();

    [Description("Multi-crop augmentation.")]
    public ComponentSpec? Augmentation { get; init; }

    [Description("Patch masks for masked image modelling.")]
    public ComponentSpec? Masking { get; init; }

    [Description("The backbone network.")]
    public ComponentSpec? Backbone { get; init; }

    [Description("Projection heads by name; objectives refer to them.")]
    public Dictionary<string, ComponentSpec> Heads { get; init; } = [];

    [Description("Training objectives.")]
    public List<ComponentSpec> Objectives { get; init; } = [];

    [Description("Optimisation; absent for an evaluation-only spec.")]
    public TrainSection? Train { get; init; }

    [Description("Evaluation protocols, during training (every) and at the end.")]
    public List<ComponentSpec> Evaluate { get; init; } = [];

    [Description("Turns this spec into many runs.")]
    public SweepSection? Sweep { get; init; }

    [Description("What a run needs from the scheduler.")]
    public ResourcesSection Resources { get; init; } = new();

    [Description("Quartz cron expression: submit this spec at each fire time (ibot serve).")]
    public string? Schedule { get; init; }
}

public sealed class DataSection
{
    [Description("Pre-training images (labels unused).")]
    public ComponentSpec? Train { get; init; }

    [Description("Labelled evaluation data: its training split is the k-NN memory bank / probe training set.")]
    public ComponentSpec? EvalTrain { get; init; }

    [Description("Labelled evaluation data: the split accuracy is reported on.")]
    public ComponentSpec? EvalTest { get; init; }
}

public enum Precision
{
    Fp32,
    Bf16,
    Fp16,
}

public sealed class TrainSection
{
    [Required, Range(1, 100_000), Description("Training epochs (800 in the paper for ViT-S).")]
    public int Epochs { get; init; }

    [Required, Range(1, 1 << 20), Description("Total batch size over all devices (1024 in the paper).")]
    public int BatchSize { get; init; }

    [Description("Optimiser and its schedules.")]
    public OptimizerSection Optimizer { get; init; } = new();

    [Range(0.0, 1.0), Description("Initial teacher EMA momentum, cosine-increased to 1 (0.996; 0.9995 for small batches).")]
    public double TeacherMomentum { get; init; } = 0.996;

    [Range(0.0, 1e9), Description("Per-parameter gradient-norm clip; 0 disables (3.0).")]
    public double ClipGrad { get; init; } = 3.0;

    [Range(0, 100_000), Description("Epochs during which the head's last layer is frozen (1).")]
    public int FreezeLastLayer { get; init; } = 1;

    [Description("fp32 only for now: TorchSharp 0.107 has no autocast.")]
    public Precision Precision { get; init; } = Precision.Fp32;

    [Range(1, 1_000_000), Description("Iterations between logged metrics.")]
    public int LogEvery { get; init; } = 10;

    [Range(0, 100_000), Description("Epochs between checkpoints; 0 = only at the end.")]
    public int CheckpointEvery { get; init; } = 1;

    [Range(0, 1024), Description("Data-loading threads; 0 = one per core.")]
    public int Workers { get; init; }

    [Range(0, 1024), Description("CPU data parallelism: each batch is split into this many shards trained side by side on one thread each, gradients summed in order; same results up to float rounding. 0 = one shard per libtorch thread on the CPU, 1 on a GPU; 1 = off.")]
    public int Shards { get; init; }
}

public enum OptimizerKind
{
    Adamw,
}

public sealed class OptimizerSection
{
    [Description("adamw (the paper's optimiser for ViTs).")]
    public OptimizerKind Kind { get; init; } = OptimizerKind.Adamw;

    [Range(0.0, 10.0), Description("Peak learning rate at batch 256, scaled linearly by batch/256 (5e-4).")]
    public double Lr { get; init; } = 5e-4;

    [Range(0.0, 10.0), Description("Final learning rate of the cosine schedule (1e-6).")]
    public double MinLr { get; init; } = 1e-6;

    [Range(0, 100_000), Description("Linear warm-up epochs (10).")]
    public int WarmupEpochs { get; init; } = 10;

    [Range(0.0, 10.0), Description("Weight decay [start, end] on a cosine schedule ([0.04, 0.4]); one value keeps it constant.")]
    public double[] WeightDecay { get; init; } = [0.04, 0.4];
}

public sealed class SweepSection
{
    [Description("Dotted key → list of values; every combination becomes a run (in key order).")]
    public Dictionary<string, SpecNode> Grid { get; init; } = [];

    [Description("Random search: samples drawn from per-key distributions; with a grid, samples per grid point.")]
    public RandomSweepSection? Random { get; init; }
}

public sealed class ResourcesSection
{
    [Range(0, 64), Description("GPUs per run (0 = CPU); the batch size must divide evenly over them.")]
    public int Gpus { get; init; } = 1;
}
