using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Loading;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Eval;

/// <summary>The linear protocol's frozen features: normed token summaries of the last blocks, concatenated.</summary>
public static class ProbeFeatures
{
    public static int Dimension(int embedDim, int lastBlocks, ProbePooling pooling) => pooling switch
    {
        ProbePooling.Cls => embedDim * lastBlocks,
        ProbePooling.ClsAvgpool => embedDim * (lastBlocks + 1),
        _ => embedDim,
    };

    /// <summary>Features of <paramref name="images"/> (B, 3, S, S): (B, <see cref="Dimension"/>).</summary>
    public static Tensor Compute(IBackbone backbone, Tensor images, int lastBlocks, ProbePooling pooling)
    {
        using var scope = NewDisposeScope();
        var layers = backbone.IntermediateLayers(images, pooling == ProbePooling.Avgpool ? 1 : lastBlocks); // each (B, N, D)
        var parts = new List<Tensor>();
        if (pooling != ProbePooling.Avgpool) parts.AddRange(layers.Select(l => l.select(1, 0)));
        if (pooling != ProbePooling.Cls)
        {
            var last = layers[^1];
            parts.Add(last.narrow(1, 1, last.shape[1] - 1).mean([1]));
        }
        return cat(parts.ToArray(), 1).MoveToOuterDisposeScope();
    }

    /// <summary>Features (N, D) and labels (N) of <paramref name="order"/>'s images of <paramref name="source"/>,
    /// on the backbone's device, the backbone in eval mode and without gradients.</summary>
    public static (Tensor Features, Tensor Labels) Extract(IBackbone backbone, IImageSource source, IReadOnlyList<int> order, int size,
        Action<RgbImage, int, Span<float>> transform, int lastBlocks, ProbePooling pooling, int batchSize, CancellationToken cancellationToken)
    {
        var module = backbone.Module;
        var device = module.parameters().First().device;
        var wasTraining = module.training;
        module.eval();
        try
        {
            var parts = new List<Tensor>();
            var labels = new List<long>();
            foreach (var batch in LabelledBatches.Read(source, order, batchSize, size, transform, cancellationToken))
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var images = tensor(batch.Pixels, [batch.Count, 3, size, size]).to(device);
                parts.Add(Compute(backbone, images, lastBlocks, pooling).MoveToOuterDisposeScope());
                labels.AddRange(batch.Labels);
            }
            using var outer = NewDisposeScope();
            var features = parts.Count == 0 ? zeros(0, Dimension(backbone.EmbedDim, lastBlocks, pooling), device: device) : cat(parts.ToArray(), 0);
            foreach (var p in parts) p.Dispose();
            return (features.MoveToOuterDisposeScope(), tensor(labels.ToArray(), device: device).MoveToOuterDisposeScope());
        }
        finally
        {
            module.train(wasTraining);
        }
    }
}
