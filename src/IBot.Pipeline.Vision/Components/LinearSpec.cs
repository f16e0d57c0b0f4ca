using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Eval;

namespace IBot.Pipeline.Vision.Components;

/// <summary>Options of the <c>linear</c> evaluator (the reference's <c>eval_linear_multi.py</c>).</summary>
public sealed class LinearSpec : LabelledProtocolSpec
{
    /// <summary>The reference's sweep: 1e-4 … 9e-4, 1e-3 … 9e-3, …, 1 … 9 (45 values).</summary>
    public static double[] ReferenceLearningRates { get; } =
        // Parsed from "ne-k" so each is the double nearest the decimal (3e-4, not 3 × 1e-4 = 0.00030000000000000003).
        Enumerable.Range(-4, 5).SelectMany(k => Enumerable.Range(1, 9).Select(n => double.Parse($"{n}e{k}", System.Globalization.CultureInfo.InvariantCulture))).ToArray();

    [Range(1, 64), Description("Concatenate the [CLS] tokens of the last n blocks, each through the final norm (4 for ViT-S, 1 for ViT-B/L).")]
    public int LastBlocks { get; init; } = 4;

    [Description("cls: those [CLS] tokens (ViT-S); cls_avgpool: plus the mean of the last block's patch tokens (the reference's choice for ViT-B/L); avgpool: the patch mean only.")]
    public ProbePooling Pool { get; init; } = ProbePooling.Cls;

    [Range(1, 10_000), Description("Epochs of SGD on the frozen features (100).")]
    public int Epochs { get; init; } = 100;

    [Range(1, 1 << 20), Description("Images per step; learning rates are scaled by batch_size / 256 (the reference: 1024 = 128 x 8 GPUs).")]
    public int BatchSize { get; init; } = 256;

    [Range(1e-8, 1000.0), Description("Learning rates trained side by side, one classifier each, the best reported (default: the reference's 45 values from 1e-4 to 9; one value = a single classifier).")]
    public double[] Lr { get; init; } = ReferenceLearningRates;

    [Range(0.0, 1.0), Description("Weight decays crossed with the learning rates ([0]; the reference's full sweep adds 1e-6).")]
    public double[] WeightDecay { get; init; } = [0.0];

    [Description("Random resized crop and flip on the training images (true, as the reference); false extracts the features once and trains on the cache.")]
    public bool Augment { get; init; } = true;

    [Description("Seeds the label selection, data order, augmentation and classifier initialisation.")]
    public long Seed { get; init; }

    protected override IEnumerable<OptionError> ValidateProtocol()
    {
        if (Lr.Length == 0) yield return new OptionError("lr", "give at least one learning rate");
        if (WeightDecay.Length == 0) yield return new OptionError("weight_decay", "give at least one weight decay");
    }
}
