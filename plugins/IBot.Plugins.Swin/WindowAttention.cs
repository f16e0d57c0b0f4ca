using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>
/// Window multi-head self-attention (W-MSA, and SW-MSA with a mask) with the reference's learned
/// relative position bias: softmax(q·kᵀ/√d + B + M)·v per window, where B (heads, N, N) is read
/// from <c>relative_position_bias_table</c> through the relative position index (derived per
/// device, not a buffer: <see cref="DerivedTensorCache{TKey}"/>) and M is the shifted windows'
/// 0/−100 mask. The forward pass runs the fused scaled-dot-product kernel with B + M as its
/// additive mask; an explicit path also returns the softmaxed weights.
/// </summary>
public sealed class WindowAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly Parameter relative_position_bias_table;
    private readonly DerivedTensorCache<int> relativePositionIndex;
    private readonly int windowSize;
    private readonly int numHeads;
    private readonly int tokens;
    private readonly double scale;

    public WindowAttention(int dim, int windowSize, int numHeads, bool qkvBias) : base(nameof(WindowAttention))
    {
        this.windowSize = windowSize;
        this.numHeads = numHeads;
        tokens = windowSize * windowSize;
        scale = Math.Pow(dim / numHeads, -0.5);
        relative_position_bias_table = new Parameter(zeros((2 * windowSize - 1) * (2 * windowSize - 1), numHeads));
        relativePositionIndex = new DerivedTensorCache<int>(ws => tensor(Windows.RelativePositionIndex(ws), [(long)ws * ws * ws * ws]));
        qkv = nn.Linear(dim, dim * 3, hasBias: qkvBias);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
        Init.TruncNormal(relative_position_bias_table);
        Init.Linear(qkv);
        Init.Linear(proj);
    }

    /// <summary>Attention output for windows x (B·nW, N, C); <paramref name="mask"/> (nW, N, N) is
    /// the additive shifted-window mask, or null for plain windows.</summary>
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Split(x);                                     // 3 × (B·nW, heads, N, d)
        var bias = RelativePositionBias().unsqueeze(0);               // (1, heads, N, N)
        Tensor y;
        if (mask is null)
            y = Autocast.Attention(q, k, v, bias);
        else
        {
            // One (nW·heads, N, N) mask for every image: windows and heads share the kernel's head axis.
            var (windows, d) = (mask.shape[0], q.shape[3]);
            var images = q.shape[0] / windows;
            var combined = bias.add(mask.to(bias.dtype).unsqueeze(1), Scalars.One).reshape(1, windows * numHeads, tokens, tokens);
            y = Autocast.Attention(
                q.reshape(images, windows * numHeads, tokens, d),
                k.reshape(images, windows * numHeads, tokens, d),
                v.reshape(images, windows * numHeads, tokens, d),
                combined).reshape(q.shape);
        }
        return Merge(y, x).MoveToOuterDisposeScope();
    }

    /// <summary>Output and the softmaxed attention weights (B·nW, heads, N, N), computed as the
    /// reference does: (q·scale)·kᵀ, plus the bias, plus the mask, softmax.</summary>
    public (Tensor Output, Tensor Weights) ForwardWithWeights(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Split(x);
        using var scaleScalar = scale.ToScalar();
        var logits = Autocast.Full(Autocast.MatMul(q.mul(scaleScalar), k.transpose(-2, -1))).add(RelativePositionBias().unsqueeze(0), Scalars.One);
        if (mask is not null)
        {
            var windows = mask.shape[0];
            logits = logits.view(-1, windows, numHeads, tokens, tokens)
                .add(mask.to(logits.dtype).unsqueeze(1).unsqueeze(0), Scalars.One)
                .view(-1, numHeads, tokens, tokens);
        }
        var weights = logits.softmax(-1);
        return (Merge(Autocast.MatMul(weights, v), x).MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    /// <summary>B = table[index], (heads, N, N).</summary>
    private Tensor RelativePositionBias() =>
        relative_position_bias_table.index_select(0, relativePositionIndex.Get(windowSize, relative_position_bias_table.device))
            .view(tokens, tokens, numHeads).permute(2, 0, 1);

    private (Tensor Q, Tensor K, Tensor V) Split(Tensor x)
    {
        var (b, n, c) = (x.shape[0], x.shape[1], x.shape[2]);
        var parts = Dense.Apply(qkv, x).reshape(b, n, 3, numHeads, c / numHeads).permute(2, 0, 3, 1, 4).unbind(0);
        return (parts[0], parts[1], parts[2]);
    }

    /// <summary>Per-head outputs (B·nW, heads, N, d) back to tokens, then the output projection.</summary>
    private Tensor Merge(Tensor y, Tensor x) => Dense.Apply(proj, y.transpose(1, 2).reshape(x.shape));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            qkv.Dispose();
            proj.Dispose();
            relative_position_bias_table.Dispose();
            relativePositionIndex.Dispose();
        }
        base.Dispose(disposing);
    }
}
