using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Masking;
using IBot.Pipeline.Vision.Data.Sources;
using IBot.Pipeline.Vision.Methods;
using IBot.Pipeline.Vision.Models;

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

    /// <summary>The components of a run of this recipe (synthetic images of the source size, paper masks and
    /// schedules), so benchmarks build networks exactly as runs do.</summary>
    public RunComponents ToComponents(int batchSize, Precision precision = Precision.Fp32)
    {
        var vit = new VitSpec { PatchSize = Vit.PatchSize, EmbedDim = Vit.EmbedDim, Depth = Vit.Depth, NumHeads = Vit.NumHeads, DropPath = Vit.DropPathRate, MlpRatio = Vit.MlpRatio };
        var head = new HeadSpec { OutDim = Head.OutDim, PatchOutDim = Head.PatchOutDim, Nlayers = Head.NLayers, HiddenDim = Head.HiddenDim, BottleneckDim = Head.BottleneckDim, Shared = Head.SharedHead, NormLastLayer = Head.NormLastLayer };
        var loss = new IBotLossSpec { Head = "ibot", TeacherTemp = new TemperatureSpec { WarmupEpochs = 1 } };
        var method = MethodOptions(batchSize, precision);
        return new RunComponents
        {
            Method = new PlannedComponent("train", "ibot", new IBotMethod(method), method),
            TrainData = new SyntheticSource(batchSize, 4, SourceWidth, SourceHeight),
            Augmentation = new PlannedComponent("augmentation", "multi_crop", new MultiCropAugmentation(Crops), Crops),
            Masking = new PlannedComponent("masking", "block", new MaskGenerator(MaskOptions.Paper), MaskOptions.Paper),
            Backbone = new PlannedComponent("backbone", "vit", new VitBackbone(vit), vit),
            Heads = new Dictionary<string, PlannedComponent> { ["ibot"] = new("heads.ibot", "ibot_head", new IBotHeadFactory(head), head) },
            Objectives = [new PlannedObjective("ibot_loss", 1.0, new PlannedComponent("objectives[0]", "ibot_loss", new IBotLossObjective(loss), loss))],
        };
    }

    /// <summary>The training options of a recipe's benchmark: the paper's schedules, no warm-up or freezing.</summary>
    public static IBotMethodOptions MethodOptions(int batchSize, Precision precision = Precision.Fp32) => new()
    {
        Precision = precision,
        Epochs = 2,
        BatchSize = batchSize,
        Optimizer = new OptimizerSection { Lr = 5e-4, MinLr = 1e-6, WarmupEpochs = 0, WeightDecay = [0.04, 0.4] },
        TeacherMomentum = 0.996,
        ClipGrad = 3.0,
        FreezeLastLayer = 0,
        CheckpointEvery = 0,
    };

    public static Recipe ByName(string name) => name switch
    {
        "paper" => Paper,
        "quickstart" => Quickstart,
        "paper-tiny" => PaperTiny,
        _ => throw new ArgumentException($"unknown recipe '{name}'; expected paper, paper-tiny or quickstart"),
    };
}
