using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Components;

/// <summary>The <c>vit</c> backbone kind: the reference's Vision Transformer.</summary>
public sealed class VitBackbone(VitSpec options) : IBackboneFactory
{
    public IBackbone Create(BackboneBuild build) => new VisionTransformer(options.ToOptions(build.ImageSize) with
    {
        MaskedImageModeling = build.MaskedImageModeling,
        DropPathRate = build.StochasticDepth ? options.DropPath : 0,
    });

    /// <summary>The training resolution is read off the position embedding: (grid² + 1) tokens.</summary>
    public IBackbone FromWeights(IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("pos_embed", out var pos)) throw new InvalidDataException("the weights have no pos_embed: not a ViT backbone");
        var grid = (int)Math.Round(Math.Sqrt(pos.shape[1] - 1));
        var vit = new VisionTransformer(options.ToOptions(grid * options.PatchSize) with
        {
            DropPathRate = 0,
            MaskedImageModeling = state.ContainsKey("masked_embed"),
        });
        try
        {
            StateDicts.Load(vit, state);
            return vit;
        }
        catch
        {
            vit.Dispose();
            throw;
        }
    }
}
