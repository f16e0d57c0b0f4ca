using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Eval;

namespace IBot.Pipeline.Vision.Components;

/// <summary>Options of the <c>finetune</c> evaluator (the reference's <c>run_class_finetuning.py</c>).</summary>
public sealed class FineTuneSpec : LabelledProtocolSpec
{
    [Description("What the head reads: cls (the final-norm [CLS] token, the reference's iBOT setting) or avgpool (the mean of the final-norm patch tokens).")]
    public ProbePooling Pool { get; init; } = ProbePooling.Cls;

    [Range(1, 10_000), Description("Epochs (the reference: 200 for ViT-S, 100 for ViT-B, 50 for ViT-L).")]
    public int Epochs { get; init; } = 100;

    [Range(1, 1 << 20), Description("Images per step; an epoch drops its last incomplete batch (the reference: 1024 = 128 x 8 GPUs).")]
    public int BatchSize { get; init; } = 128;

    [Range(1e-9, 1.0), Description("Peak AdamW learning rate, used as given (not rescaled by batch size): the reference's 4e-3 is for batch 1024; 5e-4 suits batch 128.")]
    public double Lr { get; init; } = 5e-4;

    [Range(0.0, 1.0), Description("End of the cosine schedule (1e-6).")]
    public double MinLr { get; init; } = 1e-6;

    [Range(0, 10_000), Description("Linear warm-up epochs from 0 (the reference: 20 of 100; 5 for ViT-L).")]
    public int WarmupEpochs { get; init; } = 20;

    [Range(0.0, 10.0), Description("AdamW weight decay; none on biases, norms, cls_token and pos_embed (0.05).")]
    public double WeightDecay { get; init; } = 0.05;

    [Range(0.01, 1.0), Description("Layer-wise learning-rate decay: layer i of L + 1 gets lr x decay^(L + 1 - i) (0.75 for ViT-S and ViT-L, 0.65 for ViT-B).")]
    public double LayerDecay { get; init; } = 0.75;

    [Range(0.0, 0.99), Description("Stochastic depth at the last block (0.1 for ViT-S, 0.2 for ViT-B, 0.4 for ViT-L).")]
    public double DropPath { get; init; } = 0.1;

    [Range(0.0, 0.99), Description("Label smoothing of the cross-entropy (0.1).")]
    public double LabelSmoothing { get; init; } = 0.1;

    [Description("Random resized crop and flip on the training images (true); false uses the evaluation transform.")]
    public bool Augment { get; init; } = true;

    [Range(1, 10_000), Description("Epochs between test evaluations during fine-tuning; the best is reported, as the reference does (1).")]
    public int EvalEvery { get; init; } = 1;

    [Description("Seeds the label selection, data order, augmentation, head initialisation and drop path.")]
    public long Seed { get; init; }

    protected override IEnumerable<OptionError> ValidateProtocol()
    {
        if (Pool == ProbePooling.ClsAvgpool) yield return new OptionError("pool", "fine-tuning reads cls or avgpool");
        if (WarmupEpochs > Epochs) yield return new OptionError("warmup_epochs", $"{WarmupEpochs} exceeds epochs {Epochs}");
    }
}
