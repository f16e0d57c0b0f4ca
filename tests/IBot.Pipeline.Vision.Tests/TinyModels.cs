using IBot.Pipeline.Vision.Models;

namespace IBot.Pipeline.Vision.Tests;

/// <summary>Small networks for fast tests.</summary>
internal static class TinyModels
{
    public static VitOptions Vit(bool masked = true) =>
        new(ImgSize: 16, PatchSize: 4, EmbedDim: 32, Depth: 2, NumHeads: 4, MaskedImageModeling: masked);

    public static HeadOptions Head(bool shared = true) =>
        new(InDim: 32, OutDim: 48, PatchOutDim: shared ? null : 40, NLayers: 3, HiddenDim: 64, BottleneckDim: 16, NormLastLayer: false, SharedHead: shared);
}
