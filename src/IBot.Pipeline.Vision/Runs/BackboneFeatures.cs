using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Runs;

/// <summary>
/// Frozen-backbone features for evaluators: each image through the evaluation transform
/// (resize, centre crop, normalise; decoded in parallel), then the backbone in eval mode;
/// the feature is the final-norm [CLS] token, as the reference's k-NN uses.
/// </summary>
public sealed class BackboneFeatures(VisionTransformer backbone, EvalTransform transform, Device device, int batchSize = 256) : IFeatureExtractor
{
    private readonly Dictionary<IImageSource, float[][]> cache = new(ReferenceEqualityComparer.Instance);

    public int Dimension => backbone.EmbedDim;

    /// <summary>Forgets cached features (after the weights changed).</summary>
    public void Invalidate() => cache.Clear();

    public float[][] Extract(IImageSource source, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(source, out var cached)) return cached;
        var size = transform.CropSize;
        var features = new float[source.Count][];
        var wasTraining = backbone.training;
        backbone.eval();
        try
        {
            for (var start = 0; start < source.Count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(batchSize, source.Count - start);
                var pixels = new float[count * 3 * size * size];
                Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                    transform.Apply(source.Load(start + i), pixels.AsSpan(i * 3 * size * size, 3 * size * size)));
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var cls = backbone.Forward(tensor(pixels, [count, 3, size, size]).to(device), null).select(1, 0).contiguous().cpu(); // (B, D)
                var data = cls.data<float>().ToArray();
                for (var i = 0; i < count; i++) features[start + i] = data.AsSpan(i * Dimension, Dimension).ToArray();
            }
        }
        finally
        {
            backbone.train(wasTraining);
        }
        cache[source] = features;
        return features;
    }
}
