using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Masking;
using IBot.Pipeline.Vision.Data.Sources;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Runs;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Benchmarks;

/// <summary>A named training recipe for benchmarks: crops, backbone and head.</summary>
public sealed record Recipe(string Name, MultiCropOptions Crops, VitOptions Vit, HeadOptions Head, int SourceWidth, int SourceHeight)
{
    /// <summary>The paper's ViT-S/16: 2 × 224 + 10 × 96 crops, 8192 prototypes, from ImageNet-sized images.</summary>
    public static Recipe Paper => new("paper",
        MultiCropOptions.Paper,
        VitOptions.Preset("small", 16, 224) with { DropPathRate = 0.1 },
        new HeadOptions(384, 8192, NormLastLayer: false, SharedHead: true),
        500, 375);

    /// <summary>The quickstart and the reference's measured Fashion-MNIST setting (specs/quickstart.yaml,
    /// specs/fashion-mnist-vit.yaml): 28 × 28 images to 2 × 32 + 4 × 16 crops, ViT width 128, depth 4,
    /// 4 heads, patch 4; head hidden 1024, bottleneck 256, 1024 prototypes, shared.</summary>
    public static Recipe Quickstart => new("quickstart",
        new MultiCropOptions(new CropSpec(2, 32, 0.25, 1.0), new CropSpec(4, 16, 0.05, 0.25)),
        new VitOptions(ImgSize: 32, PatchSize: 4, EmbedDim: 128, Depth: 4, NumHeads: 4, DropPathRate: 0.1),
        new HeadOptions(128, 1024, NLayers: 3, HiddenDim: 1024, BottleneckDim: 256, NormLastLayer: false, SharedHead: true),
        28, 28);

    /// <summary>The paper's recipe shrunk to fit a CPU: ViT-tiny/16 on 2 × 224 + 10 × 96 crops, 8192 prototypes.</summary>
    public static Recipe PaperTiny => Paper with
    {
        Name = "paper-tiny",
        Vit = VitOptions.Preset("tiny", 16, 224) with { DropPathRate = 0.1 },
        Head = new HeadOptions(192, 8192, NormLastLayer: false, SharedHead: true),
    };

    /// <summary>A training plan of this recipe (synthetic images of the source size, paper masks and
    /// schedules) so benchmarks build networks exactly as runs do.</summary>
    public TrainingPlan ToPlan(Device device, int batchSize) => new(
        Name, 0, device,
        new SyntheticSource(batchSize, 4, SourceWidth, SourceHeight),
        null, null, Crops,
        new MaskGenerator(MaskOptions.Paper),
        new VitSpec { PatchSize = Vit.PatchSize, EmbedDim = Vit.EmbedDim, Depth = Vit.Depth, NumHeads = Vit.NumHeads, DropPath = Vit.DropPathRate, MlpRatio = Vit.MlpRatio },
        new HeadSpec { OutDim = Head.OutDim, PatchOutDim = Head.PatchOutDim, Nlayers = Head.NLayers, HiddenDim = Head.HiddenDim, BottleneckDim = Head.BottleneckDim, Shared = Head.SharedHead, NormLastLayer = Head.NormLastLayer },
        new IBotLossSpec { Head = "ibot", TeacherTemp = new TemperatureSpec { WarmupEpochs = 1 } },
        new TrainSettings(2, batchSize, 5e-4, 1e-6, 0, 0.04, 0.4, 0.996, 3.0, 0, 10, 0, 0),
        [], "");

    public static Recipe ByName(string name) => name switch
    {
        "paper" => Paper,
        "quickstart" => Quickstart,
        "paper-tiny" => PaperTiny,
        _ => throw new ArgumentException($"unknown recipe '{name}'; expected paper, paper-tiny or quickstart"),
    };
}
