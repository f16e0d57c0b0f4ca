using IBot.Pipeline.Vision.Runtime;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Eval;

/// <summary>
/// The linear protocol's training: a bank of linear classifiers (one per learning rate and
/// weight decay) trained side by side on the same frozen features with SGD and a per-epoch
/// cosine schedule to 0 (torch's <c>CosineAnnealingLR</c>), each validated on the test features
/// after every epoch, as the reference's <c>eval_linear_multi.py</c> does.
/// </summary>
public static class LinearProbe
{
    /// <param name="settings">Schedule and sweep.</param>
    /// <param name="dimension">Feature width.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="trainEpoch">For an epoch, its batches; each is a function called inside the
    /// iteration's dispose scope that returns features (B, D) and labels (B) on the device.</param>
    /// <param name="testFeatures">Cached test features (N, D) on the device.</param>
    /// <param name="testLabels">Test labels (N) on the device.</param>
    /// <param name="log">Progress, once per epoch.</param>
    /// <param name="cancellationToken">Stops between iterations.</param>
    public static LinearProbeHistory Train(LinearProbeSettings settings, int dimension, int classes,
        Func<int, IEnumerable<Func<(Tensor Features, Tensor Labels)>>> trainEpoch, Tensor testFeatures, Tensor testLabels,
        Action<string> log, CancellationToken cancellationToken)
    {
        var heads = settings.LearningRates.Count;
        var device = testFeatures.device;
        using var generator = new Generator((ulong)settings.Seed);
        using var bank = new LinearClassifierBank(heads, dimension, classes, generator);
        bank.to(device);
        using var sgd = new BankSgd(bank, settings.LearningRates, settings.WeightDecays, settings.Momentum);
        var top1 = new double[settings.Epochs][];
        var top5 = new double[settings.Epochs][];
        var losses = new double[settings.Epochs][];
        for (var epoch = 0; epoch < settings.Epochs; epoch++)
        {
            // CosineAnnealingLR(T_max = epochs, eta_min = 0), stepped once per epoch.
            var factor = 0.5 * (1 + Math.Cos(Math.PI * epoch / settings.Epochs));
            bank.train();
            using var lossSum = zeros(heads, device: device);
            var batches = 0;
            foreach (var batch in trainEpoch(epoch))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (features, labels) = batch();                             // (B, D), (B)
                var logits = bank.call(features);                              // (H, B, C)
                var perHead = nn.functional.cross_entropy(logits.reshape(-1, classes), labels.repeat(heads), reduction: nn.Reduction.None)
                    .view(heads, -1).mean([1]);                                 // (H)
                sgd.ZeroGrad();
                // The sum of the heads' losses: each head gets exactly its own gradient.
                perHead.sum().backward();
                sgd.Step(factor);
                lossSum.add_(perHead.detach(), Scalars.One);
                batches++;
            }
            (top1[epoch], top5[epoch]) = Validate(bank, testFeatures, testLabels);
            losses[epoch] = lossSum.cpu().data<float>().Select(l => (double)l / Math.Max(1, batches)).ToArray();
            var best = Array.IndexOf(top1[epoch], top1[epoch].Max());
            log(string.Create(CultureInfo.InvariantCulture,
                $"linear epoch {epoch + 1}/{settings.Epochs}: best classifier (lr {settings.LearningRates[best]:G3}) loss {losses[epoch][best]:F4}, top-1 {top1[epoch][best]:F2}%"));
        }
        return new LinearProbeHistory(top1, top5, losses);
    }

    /// <summary>Every head's top-1 and top-5 accuracy (percent) on the test features, in chunks; one host read.</summary>
    public static (double[] Top1, double[] Top5) Validate(LinearClassifierBank bank, Tensor features, Tensor labels, int chunk = 1024)
    {
        var wasTraining = bank.training;
        bank.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var hits1 = zeros(bank.Heads, dtype: ScalarType.Int64, device: features.device);
        var hits5 = zeros(bank.Heads, dtype: ScalarType.Int64, device: features.device);
        var n = features.shape[0];
        for (long start = 0; start < n; start += chunk)
        {
            var count = Math.Min(chunk, n - start);
            var (h1, h5) = TopK.Hits(bank.call(features.narrow(0, start, count)), labels.narrow(0, start, count));
            hits1.add_(h1, Scalars.One);
            hits5.add_(h5, Scalars.One);
        }
        bank.train(wasTraining);
        var scale = 100.0 / Math.Max(1, n);
        return (hits1.cpu().data<long>().Select(h => h * scale).ToArray(), hits5.cpu().data<long>().Select(h => h * scale).ToArray());
    }
}
