using IBot.Pipeline.Vision.Data.Augmentation;
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

    /// <summary>The quickstart: Fashion-MNIST (28 × 28) upscaled to 2 × 32 + 4 × 16 crops, a 4-block
    /// ViT of width 192 with patch 4, 1024 prototypes — trains on two CPU cores in minutes.</summary>
    public static Recipe Quickstart => new("quickstart",
        new MultiCropOptions(new CropSpec(2, 32, 0.4, 1.0), new CropSpec(4, 16, 0.1, 0.4)),
        new VitOptions(ImgSize: 32, PatchSize: 4, EmbedDim: 192, Depth: 4, NumHeads: 3, DropPathRate: 0.1),
        new HeadOptions(192, 1024, NLayers: 3, HiddenDim: 512, BottleneckDim: 128, NormLastLayer: false, SharedHead: true),
        28, 28);

    public static Recipe ByName(string name) => name switch
    {
        "paper" => Paper,
        "quickstart" => Quickstart,
        _ => throw new ArgumentException($"unknown recipe '{name}'; expected paper or quickstart"),
    };
}
