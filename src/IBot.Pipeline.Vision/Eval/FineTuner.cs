using IBot.Pipeline.Vision.Abstractions.Evaluation;
using TorchSharp;
using IBot.Pipeline.Vision.Runtime;
using System.Globalization;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Loading;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Train;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Eval;

/// <summary>
/// Fine-tuning as the reference's <c>run_class_finetuning.py</c>: every parameter trained with
/// AdamW under layer-wise learning-rate decay, a per-iteration warm-up and cosine schedule,
/// label-smoothed cross-entropy and drop path (set in the model's options).
/// </summary>
public static class FineTuner
{
    private const int OrderStream = 0x1AB7;

    /// <param name="model">The classifier, on its device; trained in place.</param>
    /// <param name="settings">Schedule and regularisation.</param>
    /// <param name="train">Labelled training images.</param>
    /// <param name="test">Labelled test images.</param>
    /// <param name="trainTransform">For an epoch, how a training image (with its index) becomes a tensor.</param>
    /// <param name="testTransform">The evaluation transform.</param>
    /// <param name="log">Progress, once per epoch.</param>
    /// <param name="cancellationToken">Stops between iterations.</param>
    public static FineTuneHistory Train(BackboneClassifier model, FineTuneSettings settings, IImageSource train, IImageSource test,
        Func<int, Action<RgbImage, int, Span<float>>> trainTransform, IImageTransform testTransform, Action<string> log, CancellationToken cancellationToken)
    {
        var s = settings;
        var device = model.parameters().First().device;
        var size = testTransform.CropSize;
        var batchSize = Math.Min(s.BatchSize, train.Count);
        var iterations = train.Count / batchSize;
        var groups = LayerDecay.Groups(model, model.Backbone, s.LayerDecay);
        using var optimizer = new AdamW(groups.Select(g => g.Group).ToList());
        var lr = Schedules.Cosine(s.Lr, s.MinLr, s.Epochs, iterations, s.WarmupEpochs);
        var evaluations = new List<(int, double, double)>();
        var losses = new double[s.Epochs];
        for (var epoch = 0; epoch < s.Epochs; epoch++)
        {
            model.train();
            var order = new SampleRandom(s.Seed, epoch, -1, OrderStream).Permutation(train.Count)[..(iterations * batchSize)];
            using var lossSum = zeros(1, device: device);
            var it = 0;
            foreach (var batch in LabelledBatches.Read(train, order, batchSize, size, trainTransform(epoch), cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                LayerDecay.Apply(groups, lr[(long)epoch * iterations + it], s.WeightDecay);
                var images = tensor(batch.Pixels, [batch.Count, 3, size, size]).to(device); // (B, 3, S, S)
                var labels = tensor(batch.Labels).to(device);                                // (B)
                var loss = nn.functional.cross_entropy(model.call(images), labels, label_smoothing: s.LabelSmoothing);
                optimizer.ZeroGrad();
                loss.backward();
                optimizer.Step();
                lossSum.add_(loss.detach(), Scalars.One);
                it++;
            }
            losses[epoch] = lossSum.item<float>() / Math.Max(1, iterations);
            var done = epoch + 1;
            if (done % Math.Max(1, s.EvalEvery) != 0 && done != s.Epochs)
            {
                log(string.Create(CultureInfo.InvariantCulture, $"finetune epoch {done}/{s.Epochs}: loss {losses[epoch]:F4}"));
                continue;
            }
            var (top1, top5) = Evaluate(model, test, testTransform, batchSize, cancellationToken);
            evaluations.Add((done, top1, top5));
            log(string.Create(CultureInfo.InvariantCulture, $"finetune epoch {done}/{s.Epochs}: loss {losses[epoch]:F4}, test top-1 {top1:F2}%, top-5 {top5:F2}%"));
        }
        return new FineTuneHistory(evaluations, losses);
    }

    /// <summary>Top-1 and top-5 accuracy (percent) of <paramref name="model"/> on <paramref name="test"/>.</summary>
    public static (double Top1, double Top5) Evaluate(BackboneClassifier model, IImageSource test, IImageTransform transform, int batchSize, CancellationToken cancellationToken)
    {
        var device = model.parameters().First().device;
        var size = transform.CropSize;
        var wasTraining = model.training;
        model.eval();
        using var hits1 = zeros(1, dtype: ScalarType.Int64, device: device);
        using var hits5 = zeros(1, dtype: ScalarType.Int64, device: device);
        var order = Enumerable.Range(0, test.Count).ToArray();
        foreach (var batch in LabelledBatches.Read(test, order, batchSize, size, (image, _, span) => transform.Apply(image, span), cancellationToken))
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var logits = model.call(tensor(batch.Pixels, [batch.Count, 3, size, size]).to(device));
            var (h1, h5) = TopK.Hits(logits, tensor(batch.Labels).to(device));
            hits1.add_(h1, Scalars.One);
            hits5.add_(h5, Scalars.One);
        }
        model.train(wasTraining);
        var scale = 100.0 / Math.Max(1, test.Count);
        return (hits1.item<long>() * scale, hits5.item<long>() * scale);
    }
}
