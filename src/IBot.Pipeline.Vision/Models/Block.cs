using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>Pre-norm transformer block with stochastic depth on both residual branches.</summary>
public sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly double dropPath;

    public Block(int dim, int numHeads, double mlpRatio, bool qkvBias, double dropPath, double eps) : base(nameof(Block))
    {
        this.dropPath = dropPath;
        norm1 = nn.LayerNorm(dim, eps);
        attn = new Attention(dim, numHeads, qkvBias);
        norm2 = nn.LayerNorm(dim, eps);
        mlp = new Mlp(dim, (int)(dim * mlpRatio));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x + DropPath(attn.call(norm1.call(x)));
        x = x + DropPath(mlp.call(norm2.call(x)));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rows <paramref name="rows"/> (R) of the block's output flattened to (B·N, D), for input x
    /// (B, N, D): attention reads every token, but the projection, the residuals and the MLP run only
    /// on the selected rows. Each row is computed exactly as in <see cref="forward"/> (per-token
    /// operations), and stochastic depth draws the same per-sample randoms in the same order.
    /// </summary>
    public Tensor ForwardRows(Tensor x, Tensor rows)
    {
        using var scope = NewDisposeScope();
        var (b, n, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var sampleOfRow = rows.div(n, rounding_mode: RoundingMode.floor);
        var y = x.reshape(b * n, d).index_select(0, rows);                       // (R, D)
        y = y + DropPath(attn.ForwardRows(norm1.call(x), rows), b, sampleOfRow);
        y = y + DropPath(mlp.call(norm2.call(y)), b, sampleOfRow);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>The block's attention weights (B, H, N, N) for input x, without the rest of the block.</summary>
    public Tensor AttentionWeights(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (_, weights) = attn.ForwardWithWeights(norm1.call(x));
        return weights.MoveToOuterDisposeScope();
    }

    /// <summary>Stochastic depth per sample: drop the whole branch with probability p, rescale the kept.</summary>
    private Tensor DropPath(Tensor branch)
    {
        if (dropPath == 0.0 || !training) return branch;
        var shape = new long[branch.dim()];
        Array.Fill(shape, 1L);
        shape[0] = branch.shape[0];
        return branch.div(1.0 - dropPath) * KeepMask(branch.shape[0], branch).view(shape);
    }

    /// <summary><see cref="DropPath(Tensor)"/> for rows (R, D) of a batch of <paramref name="batch"/>
    /// samples: the same draw, each row taking its sample's.</summary>
    private Tensor DropPath(Tensor branch, long batch, Tensor sampleOfRow)
    {
        if (dropPath == 0.0 || !training) return branch;
        return branch.div(1.0 - dropPath) * KeepMask(batch, branch).index_select(0, sampleOfRow).unsqueeze(1);
    }

    /// <summary>One draw per sample, (B): 1 where the branch is kept, 0 where dropped, as the reference
    /// computes it (floor(U[0,1) + keep)).</summary>
    private Tensor KeepMask(long batch, Tensor like) =>
        (rand(batch, dtype: like.dtype, device: like.device) + (1.0 - dropPath)).floor_();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            norm1.Dispose();
            attn.Dispose();
            norm2.Dispose();
            mlp.Dispose();
        }
        base.Dispose(disposing);
    }
}
