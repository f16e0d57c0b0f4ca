using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Abstractions.Evaluation;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Runs;

/// <summary>
/// Frozen-network outputs for evaluators: each image through the evaluation transform
/// (resize, centre crop, normalise; decoded in parallel), then the network in eval mode. For a
/// backbone the feature is the final-norm [CLS] token, as the reference's k-NN uses; for a
/// network with a head, the head's [CLS] output (logits over prototypes). The forward pass runs in
/// the extractor's precision (<see cref="Autocast"/>); the features are float32.
/// </summary>
public sealed class BackboneFeatures : IFeatureExtractor
{
    private readonly nn.Module module;
    private readonly Func<Tensor, Tensor> forward;
    private readonly IImageTransform transform;
    private readonly Device device;
    private readonly int batchSize;
    private readonly Precision precision;

    public BackboneFeatures(IBackbone backbone, IImageTransform transform, Device device, int batchSize = 256, Precision precision = Precision.Fp32)
        : this(backbone.Module, images => backbone.Forward(images).select(1, 0), backbone.EmbedDim, transform, device, batchSize, precision)
    {
    }

    private BackboneFeatures(nn.Module module, Func<Tensor, Tensor> forward, int dimension, IImageTransform transform, Device device, int batchSize, Precision precision)
    {
        this.precision = precision;
        this.module = module;
        this.forward = forward;
        Dimension = dimension;
        this.transform = transform;
        this.device = device;
        this.batchSize = batchSize;
    }

    /// <summary>The head's [CLS] output of <paramref name="network"/>.</summary>
    public static BackboneFeatures HeadLogits(IBotNetwork network, IImageTransform transform, Device device, int batchSize = 256, Precision precision = Precision.Fp32) =>
        new(network, images => network.ForwardCls(images).HeadCls, network.Head.OutDim, transform, device, batchSize, precision);
    private readonly Dictionary<IImageSource, float[][]> cache = new(ReferenceEqualityComparer.Instance);

    public int Dimension { get; }

    /// <summary>Forgets cached features (after the weights changed).</summary>
    public void Invalidate() => cache.Clear();

    public float[][] Extract(IImageSource source, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(source, out var cached)) return cached;
        var size = transform.CropSize;
        var features = new float[source.Count][];
        var wasTraining = module.training;
        module.eval();
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
                Tensor cls;
                using (Autocast.Enable(precision))
                    cls = forward(tensor(pixels, [count, 3, size, size]).to(device));
                cls = Autocast.Full(cls).contiguous().cpu(); // (B, D)
                var data = cls.data<float>().ToArray();
                for (var i = 0; i < count; i++) features[start + i] = data.AsSpan(i * Dimension, Dimension).ToArray();
            }
        }
        finally
        {
            module.train(wasTraining);
        }
        cache[source] = features;
        return features;
    }
}
