using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Runtime;

namespace IBot.Pipeline.Vision.Methods;

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

    public double WeightDecayStart => WeightDecay[0];

    public double WeightDecayEnd => WeightDecay[^1];
}

/// <summary>The <c>ibot</c> method's options: the spec's <c>train</c> section.</summary>
public sealed class IBotMethodOptions : ITrainingOptions, IValidatableOptions, IAdvisedOptions
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

    [Description("Arithmetic of the forward passes' matrix products: fp32, bf16 (bfloat16; fast on CPUs with AVX-512 BF16 or AMX and on GPUs) or fp16 (float16 with dynamic loss scaling; fast on GPUs only). Weights, optimiser, EMA teacher, norms, softmax and losses stay float32.")]
    public Precision Precision { get; init; } = Precision.Fp32;

    [Range(1, 1_000_000), Description("Iterations between logged metrics.")]
    public int LogEvery { get; init; } = 10;

    [Range(0, 100_000), Description("Epochs between checkpoints; 0 = only at the end.")]
    public int CheckpointEvery { get; init; } = 1;

    [Range(0, 1024), Description("Data-loading threads; 0 = one per core.")]
    public int Workers { get; init; }

    [Range(0, 1024), Description("CPU data parallelism: each batch is split into this many shards trained side by side on one thread each, gradients summed in order; same results up to float rounding. 0 = one shard per libtorch thread on the CPU, 1 on a GPU; 1 = off.")]
    public int Shards { get; init; }

    /// <summary>The student-teacher method needs images, their views, a backbone, a head and a loss.</summary>
    public IReadOnlyList<string> RequiredSections { get; } = ["data.train", "augmentation", "backbone", "heads", "objectives"];

    public IEnumerable<OptionError> Validate()
    {
        if (Optimizer.WeightDecay.Length is 0 or > 2)
            yield return new OptionError("optimizer.weight_decay", "takes one value or [start, end]");
        if (Optimizer.WarmupEpochs > Epochs)
            yield return new OptionError("optimizer.warmup_epochs", $"{Optimizer.WarmupEpochs} exceeds epochs {Epochs}");
    }

    public IEnumerable<OptionError> Advise(DeviceSpec device) => PrecisionSupport.Advise(Precision, device);
}
