using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>
/// The reference's <c>PatchMerging</c> between stages: each 2 × 2 block of tokens becomes one
/// token of four times the width (an odd grid is first zero-padded at the bottom/right), which is
/// normed (<c>norm</c>) and projected to twice the width (<c>reduction</c>, no bias). The four
/// neighbours are concatenated in the reference's order: (0,0), (1,0), (0,1), (1,1) as
/// (row, column) offsets.
/// </summary>
public sealed class PatchMerging : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm;
    private readonly Linear reduction;

    public PatchMerging(int dim, double eps) : base(nameof(PatchMerging))
    {
        reduction = nn.Linear(4 * dim, 2 * dim, hasBias: false);
        norm = nn.LayerNorm(4 * dim, eps);
        RegisterComponents();
        Init.Linear(reduction);
    }

    /// <summary>On a square grid, as the reference infers it (H = W = √L).</summary>
    public override Tensor forward(Tensor x)
    {
        var side = (long)Math.Sqrt(x.shape[1]);
        return Forward(x, side, side).Tokens;
    }

    /// <summary>Tokens x (B, H·W, C) of an H × W grid to (B, ⌈H/2⌉·⌈W/2⌉, 2C) and the new grid.</summary>
    public (Tensor Tokens, long H, long W) Forward(Tensor x, long h, long w)
    {
        using var scope = NewDisposeScope();
        var (b, c) = (x.shape[0], x.shape[2]);
        var grid = x.reshape(b, h, w, c);
        if (h % 2 == 1 || w % 2 == 1) grid = nn.functional.pad(grid, [0, 0, 0, w % 2, 0, h % 2]);
        var (h2, w2) = ((h + 1) / 2, (w + 1) / 2);
        // (B, h2, row offset, w2, column offset, C) → (B, h2, w2, column offset, row offset, C):
        // the channel blocks then come in the order (0,0), (1,0), (0,1), (1,1).
        var merged = grid.view(b, h2, 2, w2, 2, c).permute(0, 1, 3, 4, 2, 5).reshape(b, h2 * w2, 4 * c);
        return (Autocast.Full(Dense.Apply(reduction, norm.call(merged))).MoveToOuterDisposeScope(), h2, w2);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            norm.Dispose();
            reduction.Dispose();
        }
        base.Dispose(disposing);
    }
}
