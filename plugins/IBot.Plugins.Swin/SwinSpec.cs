using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;

namespace IBot.Plugins.Swin;

/// <summary>The <c>swin</c> backbone's options in a spec (the reference's argument names, snake_case).</summary>
public sealed class SwinSpec : IPatchGeometry, IPretrainedWeights, IValidatableOptions
{
    [Description("tiny, small, base or large; explicit sizes below override it.")]
    public string? Preset { get; init; }

    [Range(1, 64), Description("Patch side in pixels (4).")]
    public int PatchSize { get; init; } = 4;

    [Range(1, 4096), Description("First stage's width; from the preset when omitted (96 for tiny).")]
    public int? EmbedDim { get; init; }

    [Range(1, 64), Description("Blocks per stage; from the preset when omitted ([2, 2, 6, 2] for tiny).")]
    public int[]? Depths { get; init; }

    [Range(1, 256), Description("Attention heads per stage; from the preset when omitted ([3, 6, 12, 24] for tiny).")]
    public int[]? NumHeads { get; init; }

    [Range(1, 64), Description("Attention window side (7).")]
    public int WindowSize { get; init; } = 7;

    [Range(0.25, 16.0), Description("MLP width over the stage width (4).")]
    public double MlpRatio { get; init; } = 4.0;

    [Description("Bias in the qkv projections (true).")]
    public bool QkvBias { get; init; } = true;

    [Range(0.0, 0.99), Description("Student stochastic depth at the last block, rising from 0 over all blocks (the preset's, else 0.1).")]
    public double? DropPath { get; init; }

    [Description("Absolute position embedding (false, as the reference).")]
    public bool Ape { get; init; }

    [Description("LayerNorm after the patch embedding (true).")]
    public bool PatchNorm { get; init; } = true;

    [Description("Evaluation-only specs: pretrained weights — a run id, an ibot checkpoint or export, or a reference .pth.")]
    public string? Weights { get; init; }

    [Description("With weights from a training checkpoint: which network's backbone (teacher or student).")]
    public EvaluatedNetwork Network { get; init; } = EvaluatedNetwork.Teacher;

    [Range(0, 8192), Description("Evaluation-only specs: the image side the weights were trained at, which fixes the windows (224).")]
    public int ImageSize { get; init; } = 224;

    [Range(0, 8192), Description("Evaluation-only specs: image side for evaluation (0 = image_size).")]
    public int EvalSize { get; init; }

    public IEnumerable<OptionError> Validate()
    {
        if (Preset is not null && Preset.ToLowerInvariant() is not ("tiny" or "small" or "base" or "large" or "swin_tiny" or "swin_small" or "swin_base" or "swin_large"))
            yield return new OptionError("preset", $"'{Preset}' is not one of tiny, small, base, large");
        else if (Preset is null && (EmbedDim is null || Depths is null || NumHeads is null))
            yield return new OptionError("preset", "give a preset or all of embed_dim, depths and num_heads");
        else if ((Depths?.Length ?? 0) != (NumHeads?.Length ?? Depths?.Length ?? 0))
            yield return new OptionError("num_heads", $"depths names {Depths!.Length} stages, num_heads {NumHeads!.Length}");
    }

    /// <summary>The network options at <paramref name="imageSize"/>, the training resolution.</summary>
    public SwinOptions ToOptions(int imageSize)
    {
        var preset = Preset is null ? new SwinOptions() : SwinOptions.Preset(Preset, WindowSize);
        return preset with
        {
            ImgSize = imageSize,
            PatchSize = PatchSize,
            EmbedDim = EmbedDim ?? preset.EmbedDim,
            Depths = Depths ?? preset.Depths,
            NumHeads = NumHeads ?? preset.NumHeads,
            WindowSize = WindowSize,
            MlpRatio = MlpRatio,
            QkvBias = QkvBias,
            DropPathRate = DropPath ?? (Preset is null ? 0.1 : preset.DropPathRate),
            Ape = Ape,
            PatchNorm = PatchNorm,
        };
    }
}
