using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Models;

/// <summary>
/// A backbone network (the <c>backbone</c> role builds them through <see cref="IBackboneFactory"/>):
/// images in, tokens out — a [CLS] token (or a stand-in such as the mean of the final tokens)
/// first, then one token per position of its output grid, all after the final norm.
/// </summary>
public interface IBackbone : IDisposable
{
    /// <summary>The network as a TorchSharp module. Its state dict uses the reference
    /// implementation's parameter names, so checkpoints move both ways.</summary>
    nn.Module Module { get; }

    /// <summary>Width of its output tokens.</summary>
    int EmbedDim { get; }

    /// <summary>The resolution it was built for (its position grid or windows), which evaluation uses by default.</summary>
    int ImageSize { get; }

    /// <summary>Whether it owns a mask embedding (built for masked image modelling).</summary>
    bool HasMaskEmbedding { get; }

    /// <summary>The grid of output tokens for an input of <paramref name="height"/> × <paramref name="width"/>
    /// pixels: masks for such a crop are made at this grid.</summary>
    (int Height, int Width) OutputGrid(int height, int width);

    /// <summary>All tokens, (B, 1 + h·w, D). <paramref name="masks"/> (B, h, w) at <see cref="OutputGrid"/>,
    /// true where the input is replaced by the mask embedding. <paramref name="draws"/>: stochastic
    /// depth taken in advance (<see cref="DrawStochasticDepth"/>); null draws from torch's generator.</summary>
    Tensor Forward(Tensor images, Tensor? masks = null, StochasticDepthDraws? draws = null);

    /// <summary>
    /// Rows <paramref name="rows"/> (int64 indices into the B·(1 + h·w) tokens flattened, [CLS] of image b
    /// at b·(1 + h·w)) of <see cref="Forward"/>'s output, (R, D). Callers that read a few tokens use it;
    /// a backbone may skip work on the others (the ViT runs its last block's MLP only on these rows).
    /// </summary>
    Tensor ForwardRows(Tensor images, Tensor? masks, Tensor rows, StochasticDepthDraws? draws = null)
    {
        using var scope = NewDisposeScope();
        var tokens = Forward(images, masks, draws);
        return tokens.reshape(-1, tokens.shape[2]).index_select(0, rows).MoveToOuterDisposeScope();
    }

    /// <summary>The stochastic-depth draws a training-mode forward of <paramref name="batch"/> images takes
    /// from torch's generator, taken now in the same order (null when it takes none). A data-parallel
    /// step draws for the whole batch and hands each shard its rows, so sharding does not change the result.</summary>
    StochasticDepthDraws? DrawStochasticDepth(long batch, Device device);

    /// <summary>The last <paramref name="n"/> blocks' tokens, each through the final norm, (B, 1 + h·w, D)
    /// each, oldest first: the linear probe reads their [CLS] tokens.</summary>
    Tensor[] IntermediateLayers(Tensor images, int n);

    /// <summary>Where the network looks, (B, heads, h, w), each map a distribution over the output grid
    /// (a ViT: its last block's [CLS] attention); null when the backbone has no such notion.</summary>
    Tensor? AttentionMaps(Tensor images);

    /// <summary>Layers for layer-wise learning-rate decay: parameter ids run from 0 (embedding) to
    /// <see cref="LayerCount"/> + 1 (final norm and anything after).</summary>
    int LayerCount { get; }

    /// <summary>The layer id of a parameter (by its name in <see cref="Module"/>), for layer-wise decay.</summary>
    int LayerId(string parameterName);

    /// <summary>Parameters exempt from weight decay besides biases and 1-D parameters (the reference model's
    /// <c>no_weight_decay</c>: a ViT's position embedding and [CLS] token). Default: none.</summary>
    bool NoWeightDecay(string parameterName) => false;

    /// <summary>A new backbone with the same architecture and weights, its stochastic depth set to
    /// <paramref name="dropPathRate"/> (fine-tuning trains a copy, never the evaluated network).</summary>
    IBackbone Copy(double dropPathRate);
}
