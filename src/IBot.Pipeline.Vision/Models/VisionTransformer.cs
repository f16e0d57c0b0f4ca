using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>
/// The reference Vision Transformer (DINO/iBOT variant): convolutional patch embedding, a
/// learned mask embedding written over masked patches right after patch embedding, [CLS]
/// token, learned position embedding (bicubically resized for other input sizes), pre-norm
/// blocks and a final norm. <see cref="nn.Module{T, TResult}.forward"/> returns all tokens
/// ([CLS] first) after the final norm.
/// </summary>
public sealed class VisionTransformer : nn.Module<Tensor, Tensor>, IBackbone
{
    private readonly PatchEmbed patch_embed;
    private readonly Parameter cls_token;
    private readonly Parameter pos_embed;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm norm;
    private readonly Parameter? masked_embed;

    public VisionTransformer(VitOptions options) : base(nameof(VisionTransformer))
    {
        options.Validate();
        Options = options;
        patch_embed = new PatchEmbed(options.PatchSize, options.InChans, options.EmbedDim);
        cls_token = new Parameter(zeros(1, 1, options.EmbedDim));
        pos_embed = new Parameter(zeros(1, options.NumPatches + 1, options.EmbedDim));
        blocks = new ModuleList<Block>();
        for (var i = 0; i < options.Depth; i++)
        {
            // Stochastic depth decay rule: linspace(0, rate, depth), as float32 like the reference.
            var dpr = options.Depth == 1 ? 0.0 : (double)(float)(options.DropPathRate * i / (options.Depth - 1));
            blocks.Add(new Block(options.EmbedDim, options.NumHeads, options.MlpRatio, options.QkvBias, dpr, options.LayerNormEps));
        }
        norm = nn.LayerNorm(options.EmbedDim, options.LayerNormEps);
        if (options.MaskedImageModeling) masked_embed = new Parameter(zeros(1, options.EmbedDim));
        RegisterComponents();
        Init.TruncNormal(pos_embed);
        Init.TruncNormal(cls_token);
    }

    public VitOptions Options { get; }

    public int EmbedDim => Options.EmbedDim;

    public int Depth => Options.Depth;

    public bool HasMaskEmbedding => masked_embed is not null;

    public nn.Module Module => this;

    public int ImageSize => Options.ImgSize;

    public int LayerCount => Options.Depth;

    public (int Height, int Width) OutputGrid(int height, int width) => (height / Options.PatchSize, width / Options.PatchSize);

    public int LayerId(string parameterName) => Train.LayerDecay.VitLayerId(parameterName, Options.Depth);

    public bool NoWeightDecay(string parameterName) => parameterName is "pos_embed" or "cls_token";

    public override Tensor forward(Tensor images) => Forward(images, null);

    /// <summary>All tokens after the final norm, (B, 1 + h·w, D). <paramref name="mask"/> (B, h, w),
    /// true where a patch is replaced by the mask embedding, needs a network built with
    /// masked image modelling.</summary>
    public Tensor Forward(Tensor images, Tensor? mask = null, StochasticDepthDraws? draws = null)
    {
        using var scope = NewDisposeScope();
        var x = PrepareTokens(images, mask);
        foreach (var block in blocks) x = block.Forward(x, draws);
        return norm.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rows <paramref name="rows"/> (R, int64 indices into the B·N tokens, [CLS] at b·N) of
    /// <see cref="Forward"/>'s output flattened to (B·N, D). The last block's projection and MLP
    /// and the final norm run only on those rows: what a caller that reads [CLS] and a few patch
    /// tokens needs, at a fraction of the last block's cost. Per-token operations make each row
    /// the same as in <see cref="Forward"/>.
    /// </summary>
    public Tensor ForwardRows(Tensor images, Tensor? mask, Tensor rows, StochasticDepthDraws? draws = null)
    {
        using var scope = NewDisposeScope();
        var x = PrepareTokens(images, mask);
        for (var i = 0; i < blocks.Count - 1; i++) x = blocks[i].Forward(x, draws);
        x = blocks[blocks.Count - 1].ForwardRows(x, rows, draws);
        return norm.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>The stochastic-depth draws a training-mode forward of <paramref name="batch"/> images
    /// would take from the global generator, taken now in the same order; null when it takes none.</summary>
    public StochasticDepthDraws? DrawStochasticDepth(long batch, Device device)
    {
        var count = blocks.Sum(b => b.DrawsPerForward);
        if (count == 0) return null;
        return new StochasticDepthDraws(Enumerable.Range(0, count).Select(_ => rand(batch, dtype: pos_embed.dtype, device: device)).ToArray());
    }

    /// <summary>Tokens per image for an input of h × w pixels, [CLS] included.</summary>
    public long TokenCount(long h, long w) => 1 + h / Options.PatchSize * (w / Options.PatchSize);

    /// <summary>The last block's [CLS] attention over the patches, (B, heads, h, w), each map renormalised
    /// to a distribution over the patches: what the paper's attention figures show.</summary>
    public Tensor AttentionMaps(Tensor images)
    {
        using var scope = NewDisposeScope();
        var attention = LastSelfAttention(images);                                      // (B, H, N, N)
        var (h, w) = OutputGrid((int)images.shape[2], (int)images.shape[3]);
        var cls = attention.select(2, 0).narrow(2, 1, h * w);                            // (B, H, P)
        var maps = cls.div(cls.sum(-1, keepdim: true));
        return maps.reshape(maps.shape[0], maps.shape[1], h, w).MoveToOuterDisposeScope();
    }

    /// <summary>This architecture and these weights, stochastic depth at <paramref name="dropPathRate"/>,
    /// without the mask embedding (a copy evaluates or fine-tunes; it is never masked).</summary>
    public IBackbone Copy(double dropPathRate)
    {
        var copy = new VisionTransformer(Options with { DropPathRate = dropPathRate, MaskedImageModeling = false });
        using (no_grad())
        {
            var source = state_dict();
            foreach (var (name, target) in copy.state_dict()) target.copy_(source[name]);
        }
        return copy;
    }

    /// <summary>Softmaxed attention of the last block, (B, heads, N, N), for visualisation.</summary>
    public Tensor LastSelfAttention(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = PrepareTokens(images, null);
        for (var i = 0; i < blocks.Count - 1; i++) x = blocks[i].call(x);
        return blocks[blocks.Count - 1].AttentionWeights(x).MoveToOuterDisposeScope();
    }

    /// <summary>The normed tokens of the last <paramref name="n"/> blocks, (B, N, D) each,
    /// oldest first; linear probing concatenates their [CLS] tokens.</summary>
    public Tensor[] IntermediateLayers(Tensor images, int n = 1)
    {
        if (n < 1 || n > blocks.Count)
            throw new ArgumentOutOfRangeException(nameof(n), $"last_blocks {n} is not between 1 and the backbone's {blocks.Count} blocks");
        using var scope = NewDisposeScope();
        var x = PrepareTokens(images, null);
        var outputs = new List<Tensor>();
        for (var i = 0; i < blocks.Count; i++)
        {
            x = blocks[i].call(x);
            if (blocks.Count - i <= n) outputs.Add(norm.call(x));
        }
        foreach (var o in outputs) o.MoveToOuterDisposeScope();
        return outputs.ToArray();
    }

    /// <summary>[CLS] tokens of the last <paramref name="n"/> blocks concatenated, (B, n·D).</summary>
    public Tensor LastBlocksCls(Tensor images, int n)
    {
        using var scope = NewDisposeScope();
        var layers = IntermediateLayers(images, n);
        return cat(layers.Select(l => l.select(1, 0)).ToArray(), 1).MoveToOuterDisposeScope();
    }

    private Tensor PrepareTokens(Tensor images, Tensor? mask)
    {
        var (b, h, w) = (images.shape[0], images.shape[2], images.shape[3]);
        var x = patch_embed.call(images); // (B, D, h', w')
        if (mask is not null)
        {
            if (masked_embed is null)
                throw new InvalidOperationException("this network has no mask embedding (built without masked image modelling)");
            var fill = masked_embed.to(x.dtype).view(1, -1, 1, 1);   // (1, D, 1, 1)
            x = where(mask.unsqueeze(1), fill, x);                   // (B, D, h', w')
        }
        // A reduced-precision patch embedding joins the float32 residual stream (as PyTorch promotes it at the cat).
        x = Autocast.Full(x);
        x = x.flatten(2).transpose(1, 2);                            // (B, h'w', D)
        x = cat([cls_token.expand(b, -1, -1), x], 1);                // (B, 1 + h'w', D)
        return x.add(InterpolatePosEncoding(x, h, w), Scalars.One);
    }

    /// <summary>The position embedding for an input of h × w pixels. Resized exactly as the
    /// reference does: bicubic with scale factors ((h/p + 0.1)/√N, (w/p + 0.1)/√N), the 0.1
    /// avoiding floating-point error in the output size, and those scale factors (not the
    /// size ratio) used for the sampling grid.</summary>
    private Tensor InterpolatePosEncoding(Tensor x, long h, long w)
    {
        var npatch = x.shape[1] - 1;
        var n = pos_embed.shape[1] - 1;
        if (npatch == n && w == h) return pos_embed;
        var dim = x.shape[2];
        var classPos = pos_embed.narrow(1, 0, 1);                    // (1, 1, D)
        var patchPos = pos_embed.narrow(1, 1, n);                    // (1, N, D)
        var h0 = h / Options.PatchSize + 0.1;
        var w0 = w / Options.PatchSize + 0.1;
        var side = Math.Sqrt(n);
        var grid = (long)side;
        var resized = nn.functional.interpolate(
            patchPos.reshape(1, grid, grid, dim).permute(0, 3, 1, 2),
            scale_factor: [h0 / side, w0 / side],
            mode: InterpolationMode.Bicubic,
            align_corners: false,
            recompute_scale_factor: false);                          // (1, D, h', w')
        if (resized.shape[2] != (long)h0 || resized.shape[3] != (long)w0)
            throw new InvalidOperationException($"position embedding resized to {resized.shape[2]}x{resized.shape[3]}, expected {(long)h0}x{(long)w0}");
        return cat([classPos, resized.permute(0, 2, 3, 1).reshape(1, -1, dim)], 1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            patch_embed.Dispose();
            cls_token.Dispose();
            pos_embed.Dispose();
            blocks.Dispose();
            norm.Dispose();
            masked_embed?.Dispose();
        }
        base.Dispose(disposing);
    }
}
