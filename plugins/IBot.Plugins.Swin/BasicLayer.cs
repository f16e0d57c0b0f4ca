using static TorchSharp.torch;
using TorchSharp.Modules;

namespace IBot.Plugins.Swin;

/// <summary>
/// One stage (the reference's <c>BasicLayer</c>): <c>blocks</c> alternating plain and shifted
/// windows (shift ⌊window/2⌋ on odd blocks), then, except in the last stage, a
/// <c>downsample</c> (<see cref="PatchMerging"/>) that halves the grid and doubles the width.
/// </summary>
public sealed class BasicLayer : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<SwinTransformerBlock> blocks;
    private readonly PatchMerging? downsample;

    /// <summary>A stage of <paramref name="dropPaths"/>.Count blocks of width <paramref name="dim"/>, whose
    /// grid side at the training size is <paramref name="inputResolution"/> (it clamps the windows),
    /// each block with its stochastic-depth rate; <paramref name="downsample"/>: a patch merging follows.</summary>
    public BasicLayer(int dim, int inputResolution, int numHeads, int windowSize, double mlpRatio, bool qkvBias,
        IReadOnlyList<double> dropPaths, double eps, bool downsample) : base(nameof(BasicLayer))
    {
        blocks = new ModuleList<SwinTransformerBlock>();
        for (var i = 0; i < dropPaths.Count; i++)
            blocks.Add(new SwinTransformerBlock(dim, inputResolution, numHeads, windowSize, i % 2 == 0 ? 0 : windowSize / 2,
                mlpRatio, qkvBias, dropPaths[i], eps));
        if (downsample) this.downsample = new PatchMerging(dim, eps);
        RegisterComponents();
    }

    public IReadOnlyList<SwinTransformerBlock> Blocks => new System.Collections.ObjectModel.ReadOnlyCollection<SwinTransformerBlock>(blocks);

    public PatchMerging? Downsample => downsample;

    /// <summary>On a square grid, as the reference infers it (H = W = √L).</summary>
    public override Tensor forward(Tensor x)
    {
        var side = (long)Math.Sqrt(x.shape[1]);
        return Forward(x, side, side).Tokens;
    }

    /// <summary>The stage on tokens x (B, H·W, C) of an H × W grid: its output and output grid.</summary>
    public (Tensor Tokens, long H, long W) Forward(Tensor x, long h, long w, Func<long, Tensor>? uniforms = null)
    {
        using var scope = NewDisposeScope();
        foreach (var block in blocks) x = block.Forward(x, h, w, uniforms);
        if (downsample is not null) (x, h, w) = downsample.Forward(x, h, w);
        return (x.MoveToOuterDisposeScope(), h, w);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            blocks.Dispose();
            downsample?.Dispose();
        }
        base.Dispose(disposing);
    }
}
