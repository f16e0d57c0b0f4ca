using IBot.Pipeline.Vision.Abstractions.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>Multi-head self-attention with a fused kernel for training and an explicit path that
/// also returns the softmaxed weights (for attention maps).</summary>
public sealed class Attention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int numHeads;
    private readonly double scale;

    public Attention(int dim, int numHeads, bool qkvBias) : base(nameof(Attention))
    {
        this.numHeads = numHeads;
        scale = Math.Pow(dim / numHeads, -0.5);
        qkv = nn.Linear(dim, dim * 3, hasBias: qkvBias);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
        Init.Linear(qkv);
        Init.Linear(proj);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, b, n, c) = Split(x);
        var y = Autocast.Attention(q, k, v); // (B, H, N, C/H)
        return Dense.Apply(proj, y.transpose(1, 2).reshape(b, n, c)).MoveToOuterDisposeScope();
    }

    /// <summary>Rows <paramref name="rows"/> (R) of the output flattened to (B·N, D): every query
    /// attends as in <see cref="forward"/>, the output projection runs on the selected rows only.</summary>
    public Tensor ForwardRows(Tensor x, Tensor rows)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, b, n, c) = Split(x);
        var y = Autocast.Attention(q, k, v);  // (B, H, N, C/H)
        var selected = y.transpose(1, 2).reshape(b * n, c).index_select(0, rows); // (R, C)
        return Dense.Apply(proj, selected).MoveToOuterDisposeScope();
    }

    /// <summary>Output and the attention weights (B, H, N, N), computed as the reference does.</summary>
    public (Tensor Output, Tensor Weights) ForwardWithWeights(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, b, n, c) = Split(x);
        using var scaleScalar = scale.ToScalar();
        // Products in the active precision, the softmax in float32 (as autocast does).
        var attn = Autocast.Full(Autocast.MatMul(q, k.transpose(-2, -1))).mul(scaleScalar).softmax(-1); // (B, H, N, N)
        var y = Autocast.MatMul(attn, v).transpose(1, 2).reshape(b, n, c);
        return (Dense.Apply(proj, y).MoveToOuterDisposeScope(), attn.MoveToOuterDisposeScope());
    }

    private (Tensor Q, Tensor K, Tensor V, long B, long N, long C) Split(Tensor x)
    {
        var (b, n, c) = (x.shape[0], x.shape[1], x.shape[2]);
        // unbind, not indexing: its backward stacks the three gradients once, where three selects
        // would each scatter into a zeroed (3, B, H, N, C/H) tensor and then be summed.
        var parts = Dense.Apply(qkv, x).reshape(b, n, 3, numHeads, c / numHeads).permute(2, 0, 3, 1, 4).unbind(0); // 3 × (B, H, N, C/H)
        return (parts[0], parts[1], parts[2], b, n, c);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            qkv.Dispose();
            proj.Dispose();
        }
        base.Dispose(disposing);
    }
}
