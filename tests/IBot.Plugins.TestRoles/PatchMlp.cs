using IBot.Pipeline.Vision.Abstractions.Models;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Plugins.TestRoles;

/// <summary>Backbone: patch embedding, a [CLS] token, one residual token MLP and a final norm.</summary>
public sealed class PatchMlp : nn.Module<Tensor, Tensor>, IBackbone
{
    private readonly Conv2d proj;
    private readonly Parameter cls_token;
    private readonly Linear fc;
    private readonly LayerNorm norm;
    private readonly Parameter? masked_embed;
    private readonly PatchMlpOptions options;

    public PatchMlp(PatchMlpOptions options, int imageSize, bool maskedImageModeling) : base(nameof(PatchMlp))
    {
        this.options = options;
        ImageSize = imageSize;
        proj = nn.Conv2d(3, options.Dim, options.PatchSize, stride: options.PatchSize);
        cls_token = new Parameter(zeros(1, 1, options.Dim));
        fc = nn.Linear(options.Dim, options.Dim);
        norm = nn.LayerNorm(options.Dim);
        if (maskedImageModeling) masked_embed = new Parameter(zeros(1, options.Dim));
        RegisterComponents();
    }

    public nn.Module Module => this;
    public int EmbedDim => options.Dim;
    public int ImageSize { get; }
    public bool HasMaskEmbedding => masked_embed is not null;
    public int LayerCount => 1;

    public (int Height, int Width) OutputGrid(int height, int width) => (height / options.PatchSize, width / options.PatchSize);

    public override Tensor forward(Tensor images) => Forward(images);

    public Tensor Forward(Tensor images, Tensor? masks = null, StochasticDepthDraws? draws = null)
    {
        using var scope = NewDisposeScope();
        var x = proj.call(images);                                             // (B, D, h, w)
        if (masks is not null)
            x = where(masks.unsqueeze(1), masked_embed!.view(1, -1, 1, 1), x);
        x = x.flatten(2).transpose(1, 2);
        x = cat([cls_token.expand(x.shape[0], -1, -1), x], 1);
        x = x.add(nn.functional.gelu(fc.call(x)), Scalars.One);
        return norm.call(x).MoveToOuterDisposeScope();
    }

    public StochasticDepthDraws? DrawStochasticDepth(long batch, Device device) => null;

    public Tensor[] IntermediateLayers(Tensor images, int n) =>
        n == 1 ? [Forward(images)] : throw new ArgumentOutOfRangeException(nameof(n), "patch_mlp has one block");

    public Tensor? AttentionMaps(Tensor images) => null;

    public int LayerId(string parameterName) => parameterName.StartsWith("fc", StringComparison.Ordinal) ? 1 : parameterName.StartsWith("norm", StringComparison.Ordinal) ? 2 : 0;

    public IBackbone Copy(double dropPathRate)
    {
        var copy = new PatchMlp(options, ImageSize, maskedImageModeling: false);
        using (no_grad())
        {
            var source = state_dict();
            foreach (var (name, target) in copy.state_dict()) target.copy_(source[name]);
        }
        return copy;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            proj.Dispose();
            cls_token.Dispose();
            fc.Dispose();
            norm.Dispose();
            masked_embed?.Dispose();
        }
        base.Dispose(disposing);
    }
}

public sealed class PatchMlpBackbone(PatchMlpOptions options) : IBackboneFactory
{
    public IBackbone Create(BackboneBuild build) => new PatchMlp(options, build.ImageSize, build.MaskedImageModeling);

    public IBackbone FromWeights(IReadOnlyDictionary<string, Tensor> state)
    {
        var net = new PatchMlp(options, 16, state.ContainsKey("masked_embed"));
        using (no_grad())
            foreach (var (name, target) in net.state_dict()) target.copy_(state[name]);
        return net;
    }
}
