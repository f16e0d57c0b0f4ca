namespace IBot.Pipeline.Vision.Models;

/// <summary>Vision Transformer hyper-parameters, named as in the reference implementation.</summary>
/// <param name="ImgSize">Training resolution of global crops; fixes the position-embedding grid (ImgSize / PatchSize)².</param>
/// <param name="PatchSize">Patch side in pixels; 16 for the paper's ViT-S/16 and ViT-B/16.</param>
/// <param name="EmbedDim">Token width.</param>
/// <param name="Depth">Number of transformer blocks.</param>
/// <param name="NumHeads">Attention heads; EmbedDim must be divisible by it.</param>
/// <param name="MlpRatio">MLP hidden width over EmbedDim; 4 in every preset.</param>
/// <param name="QkvBias">Bias in the qkv projection; true in every preset.</param>
/// <param name="DropPathRate">Stochastic depth at the last block, rising linearly from 0 at the first; 0.1 for ViT-S, 0.1–0.2 for larger.</param>
/// <param name="MaskedImageModeling">Whether the network owns a learned mask embedding (the student does, the teacher does not).</param>
/// <param name="LayerNormEps">LayerNorm epsilon; 1e-6 in the reference.</param>
/// <param name="InChans">Image channels.</param>
public sealed record VitOptions(
    int ImgSize = 224,
    int PatchSize = 16,
    int EmbedDim = 384,
    int Depth = 12,
    int NumHeads = 6,
    double MlpRatio = 4.0,
    bool QkvBias = true,
    double DropPathRate = 0.0,
    bool MaskedImageModeling = false,
    double LayerNormEps = 1e-6,
    int InChans = 3)
{
    /// <summary>The reference presets: tiny, small, base, large (width 192/384/768/1024,
    /// depth 12/12/12/24, heads 3/6/12/16), with any patch size.</summary>
    public static VitOptions Preset(string name, int patchSize = 16, int imgSize = 224) => name.ToLowerInvariant() switch
    {
        "tiny" or "vit_tiny" => new VitOptions(imgSize, patchSize, 192, 12, 3),
        "small" or "vit_small" => new VitOptions(imgSize, patchSize, 384, 12, 6),
        "base" or "vit_base" => new VitOptions(imgSize, patchSize, 768, 12, 12),
        "large" or "vit_large" => new VitOptions(imgSize, patchSize, 1024, 24, 16),
        _ => throw new ArgumentException($"unknown ViT preset '{name}'; expected tiny, small, base or large", nameof(name)),
    };

    public static IReadOnlyList<string> PresetNames { get; } = ["tiny", "small", "base", "large"];

    public int GridSize => ImgSize / PatchSize;

    public int NumPatches => GridSize * GridSize;

    /// <summary>Throws with a clear message when the options cannot build a network.</summary>
    public void Validate()
    {
        if (PatchSize <= 0 || ImgSize <= 0 || ImgSize % PatchSize != 0)
            throw new ArgumentException($"patch size {PatchSize} must divide the image size {ImgSize}");
        if (EmbedDim % NumHeads != 0)
            throw new ArgumentException($"embed dim {EmbedDim} must be divisible by the number of heads {NumHeads}");
        if (Depth <= 0) throw new ArgumentException("depth must be positive");
        if (DropPathRate is < 0 or >= 1) throw new ArgumentException("drop path rate must be in [0, 1)");
    }
}
