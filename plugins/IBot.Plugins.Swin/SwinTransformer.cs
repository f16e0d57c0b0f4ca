using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>
/// The iBOT reference's Swin Transformer backbone (<c>models/swin_transformer.py</c>): patch
/// embedding (+ norm), <c>masked_embed</c> written over masked patches, optional absolute position
/// embedding, stages of shifted-window blocks joined by patch merging, and a final norm.
/// <see cref="Forward(Tensor, Tensor?)"/> is the reference's <c>forward(x, return_all_tokens=True)</c>:
/// the average of the final-norm tokens (standing in for [CLS]) first, then every final-norm token.
/// Parameters carry the reference's names, so checkpoints move both ways (<see cref="SwinStateDict"/>).
/// </summary>
public sealed partial class SwinTransformer : nn.Module<Tensor, Tensor>, IBackbone
{
    private readonly PatchEmbed patch_embed;
    private readonly Parameter? absolute_pos_embed;
    private readonly ModuleList<BasicLayer> layers;
    private readonly LayerNorm norm;
    private readonly Parameter? masked_embed;

    public SwinTransformer(SwinOptions options) : base(nameof(SwinTransformer))
    {
        options.Validate();
        Options = options;
        patch_embed = new PatchEmbed(options.PatchSize, options.InChans, options.EmbedDim, options.PatchNorm, options.LayerNormEps);
        var side = options.PatchesResolution;
        if (options.Ape) absolute_pos_embed = new Parameter(zeros(1, side * side, options.EmbedDim));
        // Stochastic depth decay rule over all blocks: linspace(0, rate, Σ depths) in float32, as the reference.
        var total = options.Depths.Sum();
        float[] rates;
        using (var linspace = torch.linspace(0.0, options.DropPathRate, total, ScalarType.Float32)) rates = linspace.data<float>().ToArray();
        layers = new ModuleList<BasicLayer>();
        for (int i = 0, first = 0; i < options.NumLayers; first += options.Depths[i], i++)
            layers.Add(new BasicLayer(options.StageDim(i), options.StageResolution(i), options.NumHeads[i], options.WindowSize,
                options.MlpRatio, options.QkvBias, rates.Skip(first).Take(options.Depths[i]).Select(r => (double)r).ToArray(),
                options.LayerNormEps, downsample: i < options.NumLayers - 1));
        norm = nn.LayerNorm(options.NumFeatures, options.LayerNormEps);
        if (options.MaskedImageModeling) masked_embed = new Parameter(zeros(1, options.EmbedDim));
        RegisterComponents();
        if (absolute_pos_embed is not null) Init.TruncNormal(absolute_pos_embed);
    }

    public SwinOptions Options { get; }

    /// <summary>Width of the output tokens: the final stage's, embed_dim · 2^(stages − 1).</summary>
    public int EmbedDim => Options.NumFeatures;

    public int PatchSize => Options.PatchSize;

    public bool HasMaskEmbedding => masked_embed is not null;

    public IReadOnlyList<BasicLayer> Layers => new System.Collections.ObjectModel.ReadOnlyCollection<BasicLayer>(layers);

    /// <summary>Uniform draws a forward pass takes for stochastic depth in training mode, block by
    /// block (attention's branch before the MLP's); 0 in eval mode.</summary>
    public int DrawsPerForward => layers.Sum(l => l.Blocks.Sum(b => b.DrawsPerForward));

    /// <summary>The final stage's token grid for an input of <paramref name="height"/> × <paramref name="width"/>
    /// pixels: the patch grid, halved (rounding up: odd grids are padded) once per patch merging.</summary>
    public (int Height, int Width) OutputGrid(int height, int width)
    {
        var (h, w) = (height / PatchSize, width / PatchSize);
        for (var i = 1; i < Options.NumLayers; i++) (h, w) = ((h + 1) / 2, (w + 1) / 2);
        return (h, w);
    }

    public override Tensor forward(Tensor images) => Forward(images, null);

    /// <summary>(B, 1 + h·w, D) for images (B, C, H, W): the average-pooled final-norm token, then
    /// every final-norm token of the final h × w grid. <paramref name="mask"/> (B, h, w) bool at the
    /// final grid (or at the patch grid), true where patches are replaced by <c>masked_embed</c>.</summary>
    public Tensor Forward(Tensor images, Tensor? mask) => Forward(images, mask, null);

    /// <summary><see cref="Forward(Tensor, Tensor?)"/> taking stochastic depth's (B) uniforms from
    /// <paramref name="uniforms"/> (called <see cref="DrawsPerForward"/> times, in order) instead
    /// of the global generator, so a data-parallel step can draw a whole batch's first.</summary>
    public Tensor Forward(Tensor images, Tensor? mask, Func<long, Tensor>? uniforms)
    {
        using var scope = NewDisposeScope();
        var (x, h, w) = Embed(images, mask);
        foreach (var layer in layers) (x, h, w) = layer.Forward(x, h, w, uniforms);
        return WithPooledToken(norm.call(x)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Where the last block looks, (B, heads, h, w) at the final grid. Swin has no [CLS] row to read,
    /// so this is the attention each position receives in the last block, averaged over the queries
    /// of its window (padding excluded, each window renormalised to sum to 1), with the cyclic shift
    /// undone: see <see cref="SwinTransformerBlock.AttentionMap"/>. No mask is applied, as in the
    /// reference's <c>get_selfattention</c>.
    /// </summary>
    public Tensor LastAttentionMap(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (x, h, w) = Embed(images, null);
        for (var i = 0; i < layers.Count - 1; i++) (x, h, w) = layers[i].Forward(x, h, w);
        var last = layers[^1].Blocks;
        for (var j = 0; j < last.Count - 1; j++) x = last[j].Forward(x, h, w);
        return last[^1].AttentionMap(x, h, w).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The reference's <c>get_intermediate_layers(x, n)</c>: the outputs of the last
    /// <paramref name="n"/> blocks counted over all stages, oldest first, each with its average-pooled
    /// token first, (B, 1 + h·w, D). Final-stage outputs go through the final norm; when n reaches
    /// into earlier stages those outputs are, as in the reference, un-normed at their stage's width
    /// and grid (before its patch merging). No mask is applied.
    /// </summary>
    public Tensor[] IntermediateLayers(Tensor images, int n = 1)
    {
        var total = Options.Depths.Sum();
        if (n < 1 || n > total) throw new ArgumentOutOfRangeException(nameof(n), $"{n} blocks requested of {total}");
        using var scope = NewDisposeScope();
        var (x, h, w) = Embed(images, null);
        var outputs = new List<Tensor>();
        for (int i = 0, index = 0; i < layers.Count; i++)
        {
            foreach (var block in layers[i].Blocks)
            {
                x = block.Forward(x, h, w);
                if (index++ >= total - n) outputs.Add(WithPooledToken(i == layers.Count - 1 ? norm.call(x) : x));
            }
            if (layers[i].Downsample is { } merge) (x, h, w) = merge.Forward(x, h, w);
        }
        foreach (var o in outputs) o.MoveToOuterDisposeScope();
        return outputs.ToArray();
    }

    /// <summary>Patch tokens (B, h·w, C) of the patch grid, mask embedding and position embedding applied.</summary>
    private (Tensor Tokens, long H, long W) Embed(Tensor images, Tensor? mask)
    {
        var (x, h, w) = patch_embed.Forward(images);
        if (mask is not null) x = MaskPatches(x, h, w, mask);
        if (absolute_pos_embed is not null)
        {
            if (x.shape[1] != absolute_pos_embed.shape[1])
                throw new ArgumentException($"the absolute position embedding covers {absolute_pos_embed.shape[1]} patches, the input has {x.shape[1]} (the reference does not resize it)");
            x = x.add(absolute_pos_embed, Scalars.One);
        }
        return (x, h, w);
    }

    /// <summary>
    /// The reference's <c>mask_model</c>: a mask coarser than the patch grid is repeated (each
    /// cell to a block of ⌊h/mh⌋ × ⌊w/mw⌋ patches), then masked patch embeddings become <c>masked_embed</c>.
    /// </summary>
    private Tensor MaskPatches(Tensor x, long h, long w, Tensor mask)
    {
        if (masked_embed is null) throw new InvalidOperationException("this network has no mask embedding (built without masked image modelling)");
        var (b, mh, mw) = mask.dim() == 3 ? (mask.shape[0], mask.shape[1], mask.shape[2]) : (-1, -1, -1);
        if (b != x.shape[0] || mh < 1 || mw < 1) throw new ArgumentException($"mask [{string.Join(", ", mask.shape)}] is not (B = {x.shape[0]}, h, w)");
        if (mh != h || mw != w) mask = mask.repeat_interleave(h / mh, -2).repeat_interleave(w / mw, -1);
        if (mask.shape[1] != h || mask.shape[2] != w)
            throw new ArgumentException($"a {mh}×{mw} mask does not repeat up to the {h}×{w} patch grid");
        return where(mask.to(ScalarType.Bool).reshape(b, h * w, 1), masked_embed.to(x.dtype), x);
    }

    /// <summary>[mean over tokens, tokens]: (B, L, C) → (B, 1 + L, C).</summary>
    private static Tensor WithPooledToken(Tensor x) => cat([x.mean([1], keepdim: true), x], 1);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            patch_embed.Dispose();
            absolute_pos_embed?.Dispose();
            layers.Dispose();
            norm.Dispose();
            masked_embed?.Dispose();
        }
        base.Dispose(disposing);
    }
}
