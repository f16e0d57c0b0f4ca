using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>
/// The reference's <c>SwinTransformerBlock</c>: x + drop_path(W-MSA(norm1(x))), then
/// x + drop_path(mlp(norm2(x))). Window and shift are fixed at construction from the stage's grid
/// at the training size, as the reference fixes them: a grid no larger than the window shrinks the
/// window to it and turns the shift off. Any grid works at run time: after norm1 it is zero-padded
/// at the bottom/right up to whole windows (padded tokens take part as keys, as in the reference),
/// cyclically shifted by −shift (with the mask for that H × W), attended per window, shifted back
/// and cropped.
/// </summary>
public sealed class SwinTransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly WindowAttention attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly double dropPath;
    private readonly DerivedTensorCache<(long H, long W)> masks;

    public SwinTransformerBlock(int dim, int inputResolution, int numHeads, int windowSize, int shiftSize,
        double mlpRatio, bool qkvBias, double dropPath, double eps) : base(nameof(SwinTransformerBlock))
    {
        (WindowSize, ShiftSize) = inputResolution <= windowSize ? (inputResolution, 0) : (windowSize, shiftSize);
        if (ShiftSize < 0 || ShiftSize >= WindowSize) throw new ArgumentOutOfRangeException(nameof(shiftSize), $"shift {ShiftSize} must be in [0, window {WindowSize})");
        this.dropPath = dropPath;
        masks = new DerivedTensorCache<(long H, long W)>(grid => ShiftMask(grid.H, grid.W));
        norm1 = nn.LayerNorm(dim, eps);
        attn = new WindowAttention(dim, WindowSize, numHeads, qkvBias);
        norm2 = nn.LayerNorm(dim, eps);
        mlp = new Mlp(dim, (int)(dim * mlpRatio));
        RegisterComponents();
    }

    /// <summary>Window side after the construction-time clamp.</summary>
    public int WindowSize { get; }

    /// <summary>Cyclic shift (0 for plain windows).</summary>
    public int ShiftSize { get; }

    /// <summary>Stochastic-depth rate of both residual branches.</summary>
    public double DropPath => dropPath;

    /// <summary>Uniform draws one forward pass takes in training mode: one per branch that drops.</summary>
    public int DrawsPerForward => training && dropPath > 0.0 ? 2 : 0;

    /// <summary>On a square grid, as the reference infers it (H = W = √L).</summary>
    public override Tensor forward(Tensor x)
    {
        var side = (long)Math.Sqrt(x.shape[1]);
        return Forward(x, side, side);
    }

    /// <summary>The block on tokens x (B, H·W, C) of an H × W grid. Stochastic depth draws (B)
    /// uniforms per dropping branch from <paramref name="uniforms"/>, else from the global generator.</summary>
    public Tensor Forward(Tensor x, long h, long w, Func<long, Tensor>? uniforms = null)
    {
        using var scope = NewDisposeScope();
        var b = x.shape[0];
        x = AddBranch(x, Attend(x, h, w, weights: false).Output, BranchScale(b, x, uniforms));
        x = AddBranch(x, mlp.call(norm2.call(x)), BranchScale(b, x, uniforms));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Where this block's attention goes, (B, heads, H, W): for each window (in the block's shifted
    /// frame), the attention its tokens receive, averaged over the window's real (unpadded)
    /// queries, with padded keys dropped and the window renormalised to sum to 1; then shifted back
    /// onto the H × W grid. Each window's map is a distribution over its tokens.
    /// </summary>
    public Tensor AttentionMap(Tensor x, long h, long w)
    {
        using var scope = NewDisposeScope();
        var weights = Attend(x, h, w, weights: true).Weights!;                 // (B·nW, heads, N, N)
        var (hp, wp) = (Padded(h), Padded(w));
        var (rows, cols, n, heads) = (hp / WindowSize, wp / WindowSize, (long)WindowSize * WindowSize, weights.shape[1]);
        var real = Shift(nn.functional.pad(ones(1, h, w, 1, device: x.device), [0, 0, 0, wp - w, 0, hp - h]), -ShiftSize);
        var realTokens = Windows.Partition(real, WindowSize).view(rows * cols, n).to(weights.dtype); // (nW, N)
        var queryWeights = realTokens.div(realTokens.sum(-1, keepdim: true));
        var received = queryWeights.view(1, rows * cols, 1, 1, n)
            .matmul(weights.view(-1, rows * cols, heads, n, n)).squeeze(-2);  // (B, nW, heads, N)
        received = received.mul(realTokens.view(1, rows * cols, 1, n));
        received = received.div(received.sum(-1, keepdim: true));
        var map = received.view(-1, rows, cols, heads, WindowSize, WindowSize)
            .permute(0, 3, 1, 4, 2, 5).reshape(-1, heads, hp, wp);             // (B, heads, Hp, Wp)
        if (ShiftSize > 0) map = map.roll([ShiftSize, ShiftSize], [2, 3]);
        return map.narrow(2, 0, h).narrow(3, 0, w).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The attention branch, attn(norm1(x)) as tokens (B, H·W, C), and with
    /// <paramref name="weights"/> the softmaxed window attention (B·nW, heads, N, N).</summary>
    private (Tensor Output, Tensor? Weights) Attend(Tensor x, long h, long w, bool weights)
    {
        var (b, c) = (x.shape[0], x.shape[2]);
        var (hp, wp) = (Padded(h), Padded(w));
        var grid = norm1.call(x).view(b, h, w, c);
        if (hp > h || wp > w) grid = nn.functional.pad(grid, [0, 0, 0, wp - w, 0, hp - h]);
        grid = Shift(grid, -ShiftSize);
        var mask = ShiftSize > 0 ? masks.Get((h, w), x.device) : null;
        var windows = Windows.Partition(grid, WindowSize);                    // (B·nW, N, C)
        var (output, attention) = weights ? attn.ForwardWithWeights(windows, mask) : (attn.call(windows, mask), null);
        grid = Shift(Windows.Reverse(output, WindowSize, hp, wp), ShiftSize);
        if (hp > h || wp > w) grid = grid.narrow(1, 0, h).narrow(2, 0, w);
        return (grid.reshape(b, h * w, c), attention);
    }

    /// <summary>The shifted windows' mask for an H × W grid padded to whole windows, (nW, N, N):
    /// built for the actual H and W, as the reference builds it (keyed by H alone there, and
    /// rebuilt on every call through an <c>is</c> comparison that never holds).</summary>
    private Tensor ShiftMask(long h, long w)
    {
        var (hp, wp, n) = (Padded(h), Padded(w), (long)WindowSize * WindowSize);
        return tensor(Windows.ShiftMask(hp, wp, WindowSize, ShiftSize), [hp / WindowSize * (wp / WindowSize), n, n]);
    }

    private long Padded(long size) => (size + WindowSize - 1) / WindowSize * WindowSize;

    /// <summary>torch.roll of a (B, H, W, C) grid by <paramref name="by"/> along H and W; no-op for 0.</summary>
    private static Tensor Shift(Tensor grid, long by) => by == 0 ? grid : grid.roll([by, by], [1, 2]);

    /// <summary>x + branch, with the per-sample stochastic-depth scale (when the branch drops) over each sample's tokens.</summary>
    private static Tensor AddBranch(Tensor x, Tensor branch, Tensor? scale) => StochasticDepth.AddBranch(x, branch, scale?.view(-1, 1, 1));

    /// <summary>Per-sample scale of a residual branch, (B), or null when it does not drop.</summary>
    private Tensor? BranchScale(long batch, Tensor like, Func<long, Tensor>? uniforms) =>
        DrawsPerForward == 0 ? null : StochasticDepth.Scale(dropPath, batch, like, uniforms);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            norm1.Dispose();
            attn.Dispose();
            norm2.Dispose();
            mlp.Dispose();
            masks.Dispose();
        }
        base.Dispose(disposing);
    }
}
