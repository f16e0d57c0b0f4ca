namespace IBot.Plugins.Swin;

/// <summary>
/// Swin Transformer hyper-parameters, named as in the reference (<c>models/swin_transformer.py</c>
/// of the iBOT code). Defaults are the reference class's (swin_tiny's shape, no stochastic depth).
/// Dropout and attention dropout are 0 in every iBOT configuration and are not offered.
/// </summary>
public sealed record SwinOptions
{
    /// <summary>Training resolution of global crops. It fixes each stage's construction-time grid,
    /// which decides (as in the reference) whether a stage's window is clamped to its grid.</summary>
    public int ImgSize { get; init; } = 224;

    /// <summary>Patch side in pixels (4 for the paper's Swin models).</summary>
    public int PatchSize { get; init; } = 4;

    public int InChans { get; init; } = 3;

    /// <summary>Width of the first stage; each later stage doubles it.</summary>
    public int EmbedDim { get; init; } = 96;

    /// <summary>Blocks per stage.</summary>
    public IReadOnlyList<int> Depths { get; init; } = [2, 2, 6, 2];

    /// <summary>Attention heads per stage.</summary>
    public IReadOnlyList<int> NumHeads { get; init; } = [3, 6, 12, 24];

    /// <summary>Attention window side (7 in the paper; the iBOT scripts pass 7 or 14).</summary>
    public int WindowSize { get; init; } = 7;

    public double MlpRatio { get; init; } = 4.0;

    public bool QkvBias { get; init; } = true;

    /// <summary>Stochastic depth of the last block, rising linearly from 0 at the first block over all stages.</summary>
    public double DropPathRate { get; init; }

    /// <summary>LayerNorm epsilon; 1e-6 in the reference.</summary>
    public double LayerNormEps { get; init; } = 1e-6;

    /// <summary>Absolute position embedding added to the patch tokens (<c>ape</c>; off in the reference).</summary>
    public bool Ape { get; init; }

    /// <summary>LayerNorm after the patch embedding (<c>patch_norm</c>; on in the reference).</summary>
    public bool PatchNorm { get; init; } = true;

    /// <summary>Whether the network owns <c>masked_embed</c> (the student does, the teacher does not).</summary>
    public bool MaskedImageModeling { get; init; }

    /// <summary>The reference presets swin_tiny, swin_small, swin_base, swin_large (their default
    /// stochastic depth 0.1 or 0.2 included), at any window size.</summary>
    public static SwinOptions Preset(string name, int windowSize = 7) => name.ToLowerInvariant() switch
    {
        "tiny" or "swin_tiny" => new() { EmbedDim = 96, Depths = [2, 2, 6, 2], NumHeads = [3, 6, 12, 24], WindowSize = windowSize, DropPathRate = 0.1 },
        "small" or "swin_small" => new() { EmbedDim = 96, Depths = [2, 2, 18, 2], NumHeads = [3, 6, 12, 24], WindowSize = windowSize, DropPathRate = 0.2 },
        "base" or "swin_base" => new() { EmbedDim = 128, Depths = [2, 2, 18, 2], NumHeads = [4, 8, 16, 32], WindowSize = windowSize, DropPathRate = 0.2 },
        "large" or "swin_large" => new() { EmbedDim = 192, Depths = [2, 2, 18, 2], NumHeads = [6, 12, 24, 48], WindowSize = windowSize, DropPathRate = 0.2 },
        _ => throw new ArgumentException($"unknown Swin preset '{name}'; expected tiny, small, base or large", nameof(name)),
    };

    public int NumLayers => Depths.Count;

    /// <summary>Width of the final stage, embed_dim · 2^(stages − 1) (the reference's <c>num_features</c>).</summary>
    public int NumFeatures => EmbedDim << (NumLayers - 1);

    /// <summary>Patch grid side at the training resolution (floor, as the reference's PatchEmbed).</summary>
    public int PatchesResolution => ImgSize / PatchSize;

    /// <summary>Width of stage <paramref name="stage"/>.</summary>
    public int StageDim(int stage) => EmbedDim << stage;

    /// <summary>Construction-time grid side of stage <paramref name="stage"/>: the patch grid
    /// floor-divided by 2^stage, as the reference computes each layer's input_resolution.</summary>
    public int StageResolution(int stage) => PatchesResolution >> stage;

    /// <summary>Throws with a clear message when the options cannot build a network.</summary>
    public void Validate()
    {
        if (PatchSize <= 0 || ImgSize < PatchSize) throw new ArgumentException($"patch size {PatchSize} must be positive and at most the image size {ImgSize}");
        if (InChans <= 0 || EmbedDim <= 0) throw new ArgumentException("in_chans and embed_dim must be positive");
        if (Depths.Count == 0 || Depths.Count != NumHeads.Count)
            throw new ArgumentException($"depths ({Depths.Count} stages) and num_heads ({NumHeads.Count}) must name the same, non-zero number of stages");
        for (var i = 0; i < NumLayers; i++)
        {
            if (Depths[i] <= 0 || NumHeads[i] <= 0) throw new ArgumentException($"stage {i}: depth and heads must be positive");
            if (StageDim(i) % NumHeads[i] != 0) throw new ArgumentException($"stage {i}: width {StageDim(i)} is not divisible by its {NumHeads[i]} heads");
            if (StageResolution(i) < 1) throw new ArgumentException($"stage {i}: the {ImgSize}px training size leaves no tokens (patch grid {PatchesResolution} halved {i} times)");
        }
        if (WindowSize <= 0) throw new ArgumentException("window size must be positive");
        if (MlpRatio <= 0) throw new ArgumentException("mlp ratio must be positive");
        if (DropPathRate is < 0 or >= 1) throw new ArgumentException("drop path rate must be in [0, 1)");
    }
}
