using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace IBot.Pipeline.Specs;

/// <summary>The top level of a spec. Component sections hold a <c>kind</c> and that kind's options.</summary>
public sealed class ExperimentSpec
{
    /// <summary>The method a <c>train</c> section names when it gives no <c>kind</c>: the paper's.</summary>
    public const string DefaultMethod = "ibot";

    /// <summary>The method a spec without <c>train</c> runs: evaluation of <c>backbone.weights</c>.</summary>
    public const string EvaluationMethod = "evaluate";

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

    [Description("Training objectives: the loss is their weighted sum (each entry may give a 'weight', default 1, and a 'name', default its kind).")]
    public List<ComponentSpec> Objectives { get; init; } = [];

    [Description("The training method and its options (kind 'ibot' when not given); absent for an evaluation-only spec.")]
    [DefaultKind(ExperimentSpec.DefaultMethod)]
    public ComponentSpec? Train { get; init; }

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
