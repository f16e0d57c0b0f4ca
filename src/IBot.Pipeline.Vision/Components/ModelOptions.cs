using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Masking;
using IBot.Pipeline.Vision.Models;

namespace IBot.Pipeline.Vision.Components;

public sealed class CropOptions
{
    [Range(0, 64), Description("Crops of this kind per image.")]
    public int Count { get; init; } = 2;

    [Range(1, 4096), Description("Output side in pixels.")]
    public int Size { get; init; } = 224;

    [Range(0.0, 1.0), Description("[min, max] area fraction of the image.")]
    public double[] Scale { get; init; } = [0.25, 1.0];
}

public sealed class MultiCropSpec : ICropGeometry, IValidatableOptions
{
    [Description("Global crops: the teacher sees these; masked for the student. Paper: 2 x 224, scale [0.25, 1].")]
    public CropOptions GlobalCrops { get; init; } = new();

    [Description("Local crops: student only. Paper: 10 x 96, scale [0.05, 0.25].")]
    public CropOptions LocalCrops { get; init; } = new() { Count = 10, Size = 96, Scale = [0.05, 0.25] };

    [Range(0.0, 1.0), Description("Probability of colour jitter (0.8).")]
    public double JitterProbability { get; init; } = 0.8;

    [Range(0.0, 1.0), Description("Probability of grayscale (0.2).")]
    public double GrayscaleProbability { get; init; } = 0.2;

    [Range(0.0, 1.0), Description("Probability of solarization on global crops after the first (0.2).")]
    public double SolarizeProbability { get; init; } = 0.2;

    public IReadOnlyList<int> GlobalCropSizes => Enumerable.Repeat(GlobalCrops.Size, GlobalCrops.Count).ToArray();

    public IReadOnlyList<int> LocalCropSizes => Enumerable.Repeat(LocalCrops.Size, LocalCrops.Count).ToArray();

    public IEnumerable<OptionError> Validate()
    {
        if (GlobalCrops.Count < 1) yield return new OptionError("global_crops.count", "at least one global crop is needed");
        foreach (var (name, crop) in new[] { ("global_crops", GlobalCrops), ("local_crops", LocalCrops) })
            if (crop.Scale.Length != 2 || crop.Scale[0] <= 0 || crop.Scale[0] > crop.Scale[1])
                yield return new OptionError($"{name}.scale", "must be [min, max] with 0 < min <= max <= 1");
    }

    public MultiCropOptions ToOptions() => new(
        new CropSpec(GlobalCrops.Count, GlobalCrops.Size, GlobalCrops.Scale[0], GlobalCrops.Scale[1]),
        new CropSpec(LocalCrops.Count, LocalCrops.Size, LocalCrops.Scale[0], LocalCrops.Scale[1]))
    {
        JitterProbability = JitterProbability,
        GrayscaleProbability = GrayscaleProbability,
        SolarizeProbability = SolarizeProbability,
    };
}

public sealed class MaskSpec : IValidatableOptions
{
    [Range(0.0, 1.0), Description("Prediction ratio(s); with several, each image draws one range (paper: [0, 0.3]).")]
    public double[] Ratio { get; init; } = [0.0, 0.3];

    [Range(0.0, 1.0), Description("Half-width(s) of the range around each ratio (paper: [0, 0.2]).")]
    public double[] RatioVar { get; init; } = [0.0, 0.2];

    [Range(0.01, 1.0), Description("Smallest block aspect ratio; blocks span it to its inverse (0.3).")]
    public double MinAspect { get; init; } = 0.3;

    [Range(0, 100_000), Description("Epochs before masking starts (0).")]
    public int StartEpoch { get; init; }

    public IEnumerable<OptionError> Validate()
    {
        string? problem = null;
        try { ToOptions(MaskShape.Block).Validate(); }
        catch (ArgumentException e) { problem = e.Message; }
        if (problem is not null) yield return new OptionError("ratio", problem);
    }

    public MaskOptions ToOptions(MaskShape shape) => new(shape, Ratio, RatioVar, MinAspect, StartEpoch);
}

public sealed class VitSpec : IPatchGeometry, IPretrainedWeights, IValidatableOptions
{
    [Description("tiny, small, base or large; explicit sizes below override it.")]
    public string? Preset { get; init; }

    [Range(1, 1024), Description("Patch side in pixels (16 in the paper).")]
    public int PatchSize { get; init; } = 16;

    [Range(1, 8192), Description("Width; from the preset when omitted.")]
    public int? EmbedDim { get; init; }

    [Range(1, 256), Description("Blocks; from the preset when omitted.")]
    public int? Depth { get; init; }

    [Range(1, 256), Description("Attention heads; from the preset when omitted.")]
    public int? NumHeads { get; init; }

    [Range(0.0, 0.99), Description("Student stochastic depth at the last block (0.1 for ViT-S).")]
    public double DropPath { get; init; } = 0.1;

    [Range(0.25, 16.0), Description("MLP width over embed dim (4).")]
    public double MlpRatio { get; init; } = 4.0;

    [Description("Evaluation-only specs: pretrained weights — a run id, an ibot checkpoint or exported .safetensors, or a reference .pth.")]
    public string? Weights { get; init; }

    [Description("With weights from a training checkpoint: which network's backbone (teacher, as the paper evaluates, or student).")]
    public EvaluatedNetwork Network { get; init; } = EvaluatedNetwork.Teacher;

    [Range(0, 8192), Description("Evaluation-only specs: image side for evaluation (0 = the size the weights were trained at).")]
    public int EvalSize { get; init; }

    public IEnumerable<OptionError> Validate()
    {
        if (Preset is not null && !VitOptions.PresetNames.Contains(Preset))
            yield return new OptionError("preset", $"'{Preset}' is not one of {string.Join(", ", VitOptions.PresetNames)}");
        else if (Preset is null && (EmbedDim is null || Depth is null || NumHeads is null))
            yield return new OptionError("preset", "give a preset or all of embed_dim, depth and num_heads");
        else if ((EmbedDim ?? 1) % (NumHeads ?? 1) != 0)
            yield return new OptionError("num_heads", $"embed_dim {EmbedDim} is not divisible by num_heads {NumHeads}");
    }

    /// <summary>The network options for training at <paramref name="imgSize"/> (the global crop size).</summary>
    public VitOptions ToOptions(int imgSize)
    {
        var b = Preset is null ? new VitOptions() : VitOptions.Preset(Preset, PatchSize, imgSize);
        return b with
        {
            ImgSize = imgSize,
            PatchSize = PatchSize,
            EmbedDim = EmbedDim ?? b.EmbedDim,
            Depth = Depth ?? b.Depth,
            NumHeads = NumHeads ?? b.NumHeads,
            MlpRatio = MlpRatio,
            DropPathRate = DropPath,
        };
    }
}

public sealed class HeadSpec : IValidatableOptions
{
    [Range(1, 1 << 20), Description("[CLS] prototypes (8192 in the paper).")]
    public int OutDim { get; init; } = 8192;

    [Range(1, 1 << 20), Description("Patch prototypes when not shared (8192).")]
    public int? PatchOutDim { get; init; }

    [Range(1, 16), Description("MLP layers (3).")]
    public int Nlayers { get; init; } = 3;

    [Range(1, 1 << 16), Description("MLP hidden width (2048).")]
    public int HiddenDim { get; init; } = 2048;

    [Range(1, 1 << 16), Description("Bottleneck before the last layer (256).")]
    public int BottleneckDim { get; init; } = 256;

    [Description("One last layer for [CLS] and patches (true in the paper).")]
    public bool Shared { get; init; } = true;

    [Description("The teacher's head has one last layer for [CLS] and patches (true: the reference's --shared_head_teacher default, whatever shared is).")]
    public bool SharedTeacher { get; init; } = true;

    [Description("Freeze the student's weight-norm gain at 1 (false for ViT-S in the paper; the teacher's is always frozen).")]
    public bool NormLastLayer { get; init; }

    public HeadOptions ToOptions(int inDim) =>
        new(inDim, OutDim, PatchOutDim, Nlayers, HiddenDim, BottleneckDim, NormLastLayer, Shared);

    /// <summary>Student and teacher patch outputs meet in the loss: where one head is shared and the
    /// other not, both have [CLS]-sized patch outputs (the reference sizes the loss so).</summary>
    public IEnumerable<OptionError> Validate()
    {
        if (Shared != SharedTeacher && PatchOutDim is { } patch && patch != OutDim)
            yield return new OptionError("patch_out_dim",
                $"patch_out_dim {patch} must equal out_dim {OutDim} when only one of shared and shared_teacher is true");
    }
}

public sealed class TemperatureSpec
{
    [Range(0.001, 10.0), Description("Warm-up start (0.04).")]
    public double Start { get; init; } = 0.04;

    [Range(0.001, 10.0), Description("Value after warm-up (0.07 for [CLS], 0.07 for patches).")]
    public double End { get; init; } = 0.07;

    [Range(0, 100_000), Description("Warm-up epochs (30).")]
    public int WarmupEpochs { get; init; } = 30;
}

public sealed class IBotLossSpec : IHeadReference
{
    [Required, Description("Name of the head (an entry of heads) whose outputs this loss reads.")]
    public string Head { get; init; } = "";

    [Range(0.0, 100.0), Description("Weight of [CLS] self-distillation (1).")]
    public double LambdaCls { get; init; } = 1.0;

    [Range(0.0, 100.0), Description("Weight of masked-patch self-distillation (1).")]
    public double LambdaPatch { get; init; } = 1.0;

    [Range(0.001, 10.0), Description("Student temperature (0.1).")]
    public double StudentTemp { get; init; } = 0.1;

    [Range(0.0, 1.0), Description("Center EMA momentum (0.9).")]
    public double CenterMomentum { get; init; } = 0.9;

    [Range(0.0, 1.0), Description("Patch center EMA momentum (center_momentum when omitted).")]
    public double? CenterMomentum2 { get; init; }

    [Description("[CLS] teacher temperature schedule.")]
    public TemperatureSpec TeacherTemp { get; init; } = new();

    [Description("Patch teacher temperature schedule (warm-up epochs shared with teacher_temp when omitted).")]
    public TemperatureSpec? TeacherPatchTemp { get; init; }
}
