using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Vision.Abstractions.Evaluation;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Eval;
using IBot.Pipeline.Vision.Runtime;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Components;

public sealed class KnnSpec : IPeriodicOptions, IEvaluatedNetworkOptions, IPrecisionOptions, IValidatableOptions, IAdvisedOptions
{
    [Range(1, 10_000), Description("Neighbour counts; one result per k ([20] in the paper; 10 and 20 reported).")]
    public int[] K { get; init; } = [20];

    [Range(0.0001, 100.0), Description("Vote temperature (0.07).")]
    public double Temperature { get; init; } = 0.07;

    [Description("Whose backbone features: teacher (the paper's choice) or student.")]
    public EvaluatedNetwork Network { get; init; } = EvaluatedNetwork.Teacher;

    [Range(0, 100_000), Description("Epochs between evaluations during training; 0 = at the end only.")]
    public int Every { get; init; }

    [Description("Arithmetic of the feature extraction: fp32, bf16 or fp16 (the features themselves are float32).")]
    public Precision Precision { get; init; } = Precision.Fp32;

    public IEnumerable<OptionError> Validate()
    {
        if (K.Length == 0) yield return new OptionError("k", "give at least one k");
    }

    public IEnumerable<OptionError> Advise(DeviceSpec device) => PrecisionSupport.Advise(Precision, device);
}

/// <summary>
/// The paper's weighted k-NN protocol on frozen [CLS] features: cosine similarity, the k
/// nearest training images vote for their class with weight exp(sim / T). Metrics:
/// <c>top1</c>/<c>top5</c> for the first k, and <c>top1_k{k}</c>/<c>top5_k{k}</c> for every k.
/// </summary>
public sealed class KnnEvaluator(KnnSpec options) : IEvaluator
{
    public KnnSpec Options { get; } = options;

    public Task<IReadOnlyDictionary<string, double>> EvaluateAsync(IEvaluationContext context, CancellationToken cancellationToken)
    {
        var train = context.Features.Extract(context.Train, cancellationToken);
        var test = context.Features.Extract(context.Test, cancellationToken);
        using var scope = NewDisposeScope();
        var trainFeatures = Stack(train);
        var testFeatures = Stack(test);
        var trainLabels = tensor(Enumerable.Range(0, context.Train.Count).Select(i => (long)context.Train.Label(i)).ToArray());
        var testLabels = tensor(Enumerable.Range(0, context.Test.Count).Select(i => (long)context.Test.Label(i)).ToArray());
        var classes = Math.Max(context.Train.Classes.Count, context.Test.Classes.Count);
        var metrics = new Dictionary<string, double>();
        foreach (var k in Options.K)
        {
            var result = KnnClassifier.Evaluate(trainFeatures, trainLabels, testFeatures, testLabels, Math.Min(k, train.Length), Options.Temperature, classes);
            metrics[$"top1_k{k}"] = result.Top1;
            metrics[$"top5_k{k}"] = result.Top5;
            if (k == Options.K[0])
            {
                metrics["top1"] = result.Top1;
                metrics["top5"] = result.Top5;
            }
            context.Log($"k-NN (k={k}, T={Options.Temperature}) top-1 {result.Top1:F2}%  top-5 {result.Top5:F2}%");
        }
        return Task.FromResult<IReadOnlyDictionary<string, double>>(metrics);
    }

    private static Tensor Stack(float[][] rows)
    {
        var dim = rows.Length == 0 ? 0 : rows[0].Length;
        var flat = new float[rows.Length * dim];
        for (var i = 0; i < rows.Length; i++) rows[i].CopyTo(flat, i * dim);
        return tensor(flat, rows.Length, dim);
    }
}
