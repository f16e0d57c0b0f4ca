using IBot.Pipeline.Vision.Runtime;
using TorchSharp;
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

    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>Uniform draws this block takes per forward pass in training mode: one per branch that drops.</summary>
    public int DrawsPerForward => training && dropPath > 0.0 ? 2 : 0;

    /// <summary>The block on x (B, N, D), taking stochastic-depth draws from <paramref name="draws"/>
    /// when given, else from the global generator.</summary>
    public Tensor Forward(Tensor x, StochasticDepthDraws? draws)
    {
        using var scope = NewDisposeScope();
        var b = x.shape[0];
        x = AddBranch(x, attn.call(norm1.call(x)), BranchScale(b, x, draws)?.view(b, 1, 1));
        x = AddBranch(x, mlp.call(norm2.call(x)), BranchScale(b, x, draws)?.view(b, 1, 1));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rows <paramref name="rows"/> (R) of the block's output flattened to (B·N, D), for input x
    /// (B, N, D): attention reads every token, but the projection, the residuals and the MLP run only
    /// on the selected rows. Each row is computed exactly as in <see cref="forward"/> (per-token
    /// operations), and stochastic depth draws the same per-sample randoms in the same order.
    /// </summary>
    public Tensor ForwardRows(Tensor x, Tensor rows, StochasticDepthDraws? draws = null)
    {
        using var scope = NewDisposeScope();
        var (b, n, d) = (x.shape[0], x.shape[1], x.shape[2]);
        using var tokens = n.ToScalar();
        var sampleOfRow = rows.div(tokens, rounding_mode: RoundingMode.floor);
        var y = x.reshape(b * n, d).index_select(0, rows);                       // (R, D)
        y = AddBranch(y, attn.ForwardRows(norm1.call(x), rows), BranchScale(b, x, draws)?.index_select(0, sampleOfRow).unsqueeze(1));
        y = AddBranch(y, mlp.call(norm2.call(y)), BranchScale(b, x, draws)?.index_select(0, sampleOfRow).unsqueeze(1));
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>The block's attention weights (B, H, N, N) for input x, without the rest of the block.</summary>
    public Tensor AttentionWeights(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (_, weights) = attn.ForwardWithWeights(norm1.call(x));
        return weights.MoveToOuterDisposeScope();
    }

    private static Tensor AddBranch(Tensor x, Tensor branch, Tensor? scale) => StochasticDepth.AddBranch(x, branch, scale);

    /// <summary>Per-sample scale of a residual branch, (B), or null without stochastic depth.</summary>
    private Tensor? BranchScale(long batch, Tensor like, StochasticDepthDraws? draws) =>
        DrawsPerForward == 0 ? null : StochasticDepth.Scale(dropPath, batch, like, draws is null ? null : draws.Take);

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
