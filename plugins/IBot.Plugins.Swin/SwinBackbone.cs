using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>The <c>swin</c> backbone kind: builds the reference's Swin Transformer for a run.</summary>
public sealed class SwinBackbone(SwinSpec options) : IBackboneFactory
{
    public IBackbone Create(BackboneBuild build)
    {
        var o = options.ToOptions(build.ImageSize);
        return new SwinTransformer(o with { MaskedImageModeling = build.MaskedImageModeling, DropPathRate = build.StochasticDepth ? o.DropPathRate : 0 });
    }

    /// <summary>Swin weights do not say the resolution they were trained at (it only fixes which stages'
    /// windows are clamped), so it is the spec's <c>image_size</c>.</summary>
    public IBackbone FromWeights(IReadOnlyDictionary<string, Tensor> state)
    {
        var swin = new SwinTransformer(options.ToOptions(options.ImageSize) with
        {
            DropPathRate = 0,
            MaskedImageModeling = state.ContainsKey("masked_embed"),
        });
        try
        {
            SwinStateDict.Load(swin, state);
            return swin;
        }
        catch
        {
            swin.Dispose();
            throw;
        }
    }
}
