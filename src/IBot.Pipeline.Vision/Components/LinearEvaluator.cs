using IBot.Pipeline.Vision.Abstractions.Evaluation;
using System.Globalization;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Labels;
using IBot.Pipeline.Vision.Data.Loading;
using IBot.Pipeline.Vision.Eval;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Components;

/// <summary>
/// The paper's linear protocol: the backbone frozen, features the final-norm [CLS] tokens of the
/// last n blocks (optionally with the patch mean), one linear classifier per learning rate
/// (and weight decay) trained side by side with SGD (momentum 0.9, lr · batch/256, cosine to 0),
/// each validated after every epoch; the best top-1 over classifiers and epochs is reported, as
/// the reference does. Metrics: <c>top1</c>, <c>top5</c> (of that classifier and epoch), <c>best_lr</c>,
/// <c>best_weight_decay</c>, <c>best_epoch</c>, and <c>last_top1</c>/<c>last_top5</c> (best classifier
/// after the last epoch, free of the choice of epoch).
/// </summary>
public sealed class LinearEvaluator(LinearSpec options) : IEvaluator
{
    private const int OrderStream = 0x1AB8;

    public LinearSpec Options { get; } = options;

    public Task<IReadOnlyDictionary<string, double>> EvaluateAsync(IEvaluationContext context, CancellationToken cancellationToken)
    {
        var vision = context as IVisionEvaluationContext ?? throw new InvalidOperationException("linear needs the evaluated network (a vision evaluation context)");
        var o = Options;
        var train = LabelFraction.Parse(o.Labels).Apply(context.Train, o.Seed);
        var classes = Math.Max(context.Train.Classes.Count, context.Test.Classes.Count);
        var backbone = vision.Backbone;
        var size = vision.Transform.CropSize;
        var device = vision.Device;
        var dimension = ProbeFeatures.Dimension(backbone.EmbedDim, o.LastBlocks, o.Pool);
        var center = (Action<RgbImage, int, Span<float>>)((image, _, span) => vision.Transform.Apply(image, span));
        (Tensor Features, Tensor Labels) Extract(IImageSource source, Action<RgbImage, int, Span<float>> transform) =>
            ProbeFeatures.Extract(backbone, source, Enumerable.Range(0, source.Count).ToArray(), size, transform, o.LastBlocks, o.Pool, o.BatchSize, cancellationToken);

        var sweep = o.Lr.SelectMany(lr => o.WeightDecay.Select(wd => (Lr: lr, Wd: wd))).ToArray();
        var settings = new LinearProbeSettings(o.Epochs, sweep.Select(s => s.Lr * o.BatchSize / 256.0).ToArray(), sweep.Select(s => s.Wd).ToArray(), 0.9, o.Seed);
        var (testFeatures, testLabels) = Extract(context.Test, center);
        // Without augmentation every epoch sees the same features: extract them once.
        var cached = o.Augment ? ((Tensor, Tensor)?)null : Extract(train, center);
        var wasTraining = backbone.Module.training;
        LinearProbeHistory history;
        try
        {
            backbone.Module.eval();
            var augmentation = new ClassifierTrainTransform(size, o.CropScale[0], o.CropScale[1], o.Seed);
            history = LinearProbe.Train(settings, dimension, classes,
                epoch => cached is { } c ? CachedEpoch(c, epoch) : AugmentedEpoch(train, augmentation, epoch, cancellationToken),
                testFeatures, testLabels, context.Log, cancellationToken);
        }
        finally
        {
            backbone.Module.train(wasTraining);
            testFeatures.Dispose();
            testLabels.Dispose();
            if (cached is { } c)
            {
                c.Item1.Dispose();
                c.Item2.Dispose();
            }
        }

        var (epoch, head) = history.Best();
        var last = Array.IndexOf(history.Top1[^1], history.Top1[^1].Max());
        var metrics = new Dictionary<string, double>
        {
            ["top1"] = history.Top1[epoch][head],
            ["top5"] = history.Top5[epoch][head],
            ["best_lr"] = sweep[head].Lr,
            ["best_weight_decay"] = sweep[head].Wd,
            ["best_epoch"] = epoch + 1,
            ["last_top1"] = history.Top1[^1][last],
            ["last_top5"] = history.Top5[^1][last],
        };
        context.Log(string.Create(CultureInfo.InvariantCulture,
            $"linear ({o.LastBlocks} blocks, {OptionsText(o.Pool)}, {train.Count} labelled images, {sweep.Length} classifiers): top-1 {metrics["top1"]:F2}%, top-5 {metrics["top5"]:F2}% with lr {sweep[head].Lr:G3} (applied x {o.BatchSize}/256 = {settings.LearningRates[head]:G3}), wd {sweep[head].Wd:G3} after epoch {epoch + 1}; after the last epoch {metrics["last_top1"]:F2}%"));
        return Task.FromResult<IReadOnlyDictionary<string, double>>(metrics);

        IEnumerable<Func<(Tensor, Tensor)>> CachedEpoch((Tensor Features, Tensor Labels) c, int e)
        {
            var order = new SampleRandom(o.Seed, e, -1, OrderStream).Permutation((int)c.Features.shape[0]);
            for (var start = 0; start < order.Length; start += o.BatchSize)
            {
                var rows = order[start..Math.Min(order.Length, start + o.BatchSize)].Select(i => (long)i).ToArray();
                yield return () =>
                {
                    var index = tensor(rows, device: device);
                    return (c.Features.index_select(0, index), c.Labels.index_select(0, index));
                };
            }
        }

        IEnumerable<Func<(Tensor, Tensor)>> AugmentedEpoch(IImageSource source, ClassifierTrainTransform augmentation, int e, CancellationToken token)
        {
            var order = new SampleRandom(o.Seed, e, -1, OrderStream).Permutation(source.Count);
            return LabelledBatches.Read(source, order, o.BatchSize, size, (image, index, span) => augmentation.Apply(image, e, index, span), token)
                .Select(batch => (Func<(Tensor, Tensor)>)(() =>
                {
                    using var _ = no_grad();
                    var images = tensor(batch.Pixels, [batch.Count, 3, size, size]).to(device);
                    return (ProbeFeatures.Compute(backbone, images, o.LastBlocks, o.Pool), tensor(batch.Labels).to(device));
                }));
        }
    }

    private static string OptionsText(ProbePooling pool) => pool switch
    {
        ProbePooling.Cls => "[CLS]",
        ProbePooling.ClsAvgpool => "[CLS] + patch mean",
        _ => "patch mean",
    };
}
