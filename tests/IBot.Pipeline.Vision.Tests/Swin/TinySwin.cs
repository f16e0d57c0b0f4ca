using IBot.Plugins.Swin;

namespace IBot.Pipeline.Vision.Tests.Swin;

/// <summary>Small Swin networks for fast tests: patch 2, windows of 4, two stages (16 → 32 wide).</summary>
internal static class TinySwin
{
    /// <summary>At 32 px the grids are 16 and 8 (both stages shifted, 2 × 2 final windows); at 48 px,
    /// 24 and 12 (3 × 3 final windows).</summary>
    public static SwinOptions Options(int imgSize = 32, bool masked = true, double dropPathRate = 0.0) => new()
    {
        ImgSize = imgSize,
        PatchSize = 2,
        EmbedDim = 16,
        Depths = [2, 2],
        NumHeads = [2, 4],
        WindowSize = 4,
        MaskedImageModeling = masked,
        DropPathRate = dropPathRate,
    };
}
