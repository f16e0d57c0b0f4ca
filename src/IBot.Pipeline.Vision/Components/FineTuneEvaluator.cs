using IBot.Pipeline.Vision.Abstractions.Evaluation;
using System.Globalization;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Labels;
using IBot.Pipeline.Vision.Eval;
using IBot.Pipeline.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Components;

/// <summary>
/// The paper's fine-tuning protocol on a copy of the evaluated backbone (the network under
/// evaluation is never modified): a linear head on [CLS] (or the patch mean), every parameter
/// trained with AdamW under layer-wise learning-rate decay, warm-up and cosine schedule, drop
/// path and label smoothing; random resized crop and flip. Not built: the reference's
/// RandAugment, random erasing, mixup and cutmix. Metrics: <c>top1</c>/<c>top5</c> at the best
/// evaluated epoch (as the reference reports), <c>best_epoch</c>, <c>last_top1</c>/<c>last_top5</c>
/// and the last epoch's mean training loss <c>train_loss</c>.
/// </summary>
public sealed class FineTuneEvaluator(FineTuneSpec options) : IEvaluator
{
    public FineTuneSpec Options { get; } = options;

    public Task<IReadOnlyDictionary<string, double>> EvaluateAsync(IEvaluationContext context, CancellationToken cancellationToken)
    {
        var vision = context as IVisionEvaluationContext ?? throw new InvalidOperationException("finetune needs the evaluated network (a vision evaluation context)");
        var o = Options;
        var train = LabelFraction.Parse(o.Labels).Apply(context.Train, o.Seed);
        var classes = Math.Max(context.Train.Classes.Count, context.Test.Classes.Count);
        // Head initialisation and drop path draw from torch's generator; training runs reseed it every epoch.
        manual_seed(o.Seed);
        // A copy (built, then given the evaluated weights) draws its initialisation first, then the head.
        using var model = new BackboneClassifier(vision.Backbone.Copy(o.DropPath), classes, o.Pool == ProbePooling.Avgpool);
        model.to(vision.Device);

        var size = vision.Transform.CropSize;
        var augmentation = new ClassifierTrainTransform(size, o.CropScale[0], o.CropScale[1], o.Seed);
        Func<int, Action<RgbImage, int, Span<float>>> transform = o.Augment
            ? epoch => (image, index, span) => augmentation.Apply(image, epoch, index, span)
            : _ => (image, _, span) => vision.Transform.Apply(image, span);
        var settings = new FineTuneSettings(o.Epochs, o.BatchSize, o.Lr, o.MinLr, o.WarmupEpochs, o.WeightDecay, o.LayerDecay, o.LabelSmoothing, o.EvalEvery, o.Seed);
        var history = FineTuner.Train(model, settings, train, context.Test, transform, vision.Transform, context.Log, cancellationToken);

        var best = history.Best();
        var last = history.Evaluations[^1];
        var metrics = new Dictionary<string, double>
        {
            ["top1"] = best.Top1,
            ["top5"] = best.Top5,
            ["best_epoch"] = best.Epoch,
            ["last_top1"] = last.Top1,
            ["last_top5"] = last.Top5,
            ["train_loss"] = history.Loss[^1],
        };
        context.Log(string.Create(CultureInfo.InvariantCulture,
            $"finetune ({train.Count} labelled images, {o.Epochs} epochs, layer decay {o.LayerDecay}): top-1 {best.Top1:F2}%, top-5 {best.Top5:F2}% after epoch {best.Epoch}; last {last.Top1:F2}%"));
        return Task.FromResult<IReadOnlyDictionary<string, double>>(metrics);
    }
}
