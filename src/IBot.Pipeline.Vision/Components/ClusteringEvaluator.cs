using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Vision.Abstractions.Evaluation;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Eval;
using IBot.Pipeline.Vision.Runtime;

namespace IBot.Pipeline.Vision.Components;

public sealed class ClusteringSpec : IPeriodicOptions, IPrecisionOptions, IAdvisedOptions
{
    [Range(0, 100_000), Description("Epochs between evaluations during training (1: every epoch, as the reference logs it); 0 = at the end only.")]
    public int Every { get; init; } = 1;

    [Description("Arithmetic of the head's forward pass: fp32, bf16 or fp16 (its outputs are float32).")]
    public Precision Precision { get; init; } = Precision.Fp32;

    public IEnumerable<OptionError> Advise(DeviceSpec device) => PrecisionSupport.Advise(Precision, device);
}

/// <summary>
/// The reference's unsupervised protocol: each test image's cluster is the argmax of the
/// teacher head's [CLS] output; reported are NMI, ARI, Fowlkes–Mallows and the accuracy under
/// the best one-to-one matching of clusters to classes (Hungarian algorithm), in percent.
/// Meaningful when out_dim equals the number of classes; otherwise it says so.
/// </summary>
public sealed class ClusteringEvaluator(ClusteringSpec options) : IEvaluator
{
    public ClusteringSpec Options { get; } = options;

    public Task<IReadOnlyDictionary<string, double>> EvaluateAsync(IEvaluationContext context, CancellationToken cancellationToken)
    {
        var logits = context.HeadLogits ?? throw new InvalidOperationException("clustering needs a network with a projection head");
        var outputs = logits.Extract(context.Test, cancellationToken);
        var predictions = outputs.Select(row => (long)Array.IndexOf(row, row.Max())).ToArray();
        var labels = Enumerable.Range(0, context.Test.Count).Select(i => (long)context.Test.Label(i)).ToArray();
        var classes = context.Test.Classes.Count;
        if (logits.Dimension != classes)
            context.Log($"clustering: the head has {logits.Dimension} outputs for {classes} classes; the scores compare {predictions.Distinct().Count()} used prototypes with the classes, which is only the paper's protocol when out_dim equals the class count");
        var scores = ClusteringMetrics.Score(labels, predictions);
        var metrics = new Dictionary<string, double>
        {
            ["nmi"] = scores.Nmi,
            ["ari"] = scores.Ari,
            ["fmi"] = scores.FowlkesMallows,
            ["accuracy"] = 100 * Hungarian.MatchedAccuracy(labels, predictions),
        };
        context.Log($"clustering: NMI {scores.Nmi:F4}, ARI {scores.Ari:F4}, FMI {scores.FowlkesMallows:F4}, matched accuracy {metrics["accuracy"]:F2}%");
        return Task.FromResult<IReadOnlyDictionary<string, double>>(metrics);
    }
}
