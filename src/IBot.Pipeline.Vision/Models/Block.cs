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
        var keep = 1.0 - dropPath;
        var shape = new long[branch.dim()];
        Array.Fill(shape, 1L);
        shape[0] = branch.shape[0];
        var random = (rand(shape, dtype: branch.dtype, device: branch.device) + keep).floor_();
        return branch.div(keep) * random;
    }

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
