using IBot.Pipeline.Abstractions.Components;

namespace IBot.Plugins.LogisticProbe;

/// <summary>
/// A linear probe that needs no GPU and no hyper-parameter sweep: features are standardised
/// with the training set's mean and standard deviation, then a softmax classifier is fitted
/// with Adam and L2 weight decay. Reports test <c>top1</c> (and <c>train_top1</c>, to show
/// under- or over-fitting), in percent.
/// </summary>
public sealed class LogisticRegressionEvaluator(LogisticRegressionOptions options) : IEvaluator
{
    public Task<IReadOnlyDictionary<string, double>> EvaluateAsync(IEvaluationContext context, CancellationToken cancellationToken)
    {
        var train = context.Features.Extract(context.Train, cancellationToken);
        var test = context.Features.Extract(context.Test, cancellationToken);
        var trainLabels = Enumerable.Range(0, context.Train.Count).Select(context.Train.Label).ToArray();
        var testLabels = Enumerable.Range(0, context.Test.Count).Select(context.Test.Label).ToArray();
        var classes = Math.Max(context.Train.Classes.Count, context.Test.Classes.Count);
        var model = Fit(train, trainLabels, classes, options, cancellationToken);
        var metrics = new Dictionary<string, double>
        {
            ["top1"] = 100.0 * model.Accuracy(test, testLabels),
            ["train_top1"] = 100.0 * model.Accuracy(train, trainLabels),
        };
        context.Log($"logistic regression: test top-1 {metrics["top1"]:F2}%, train top-1 {metrics["train_top1"]:F2}%");
        return Task.FromResult<IReadOnlyDictionary<string, double>>(metrics);
    }

    public static SoftmaxModel Fit(float[][] x, int[] y, int classes, LogisticRegressionOptions o, CancellationToken cancellationToken = default)
    {
        var n = x.Length;
        var d = n == 0 ? 0 : x[0].Length;
        var (mean, scale) = Standardisation(x, d);
        var w = new double[classes * (d + 1)]; // last column: bias
        var m = new double[w.Length];
        var v = new double[w.Length];
        var grad = new double[w.Length];
        var logits = new double[classes];
        var feature = new double[d];
        var random = new Random(o.Seed);
        var order = Enumerable.Range(0, n).ToArray();
        long step = 0;
        for (var epoch = 0; epoch < o.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(order);
            for (var start = 0; start < n; start += o.BatchSize)
            {
                var end = Math.Min(n, start + o.BatchSize);
                Array.Clear(grad);
                for (var b = start; b < end; b++)
                {
                    var i = order[b];
                    for (var j = 0; j < d; j++) feature[j] = (x[i][j] - mean[j]) * scale[j];
                    SoftmaxModel.Probabilities(w, feature, classes, logits);
                    logits[y[i]] -= 1; // dL/dlogit = p - onehot
                    for (var c = 0; c < classes; c++)
                    {
                        var row = c * (d + 1);
                        for (var j = 0; j < d; j++) grad[row + j] += logits[c] * feature[j];
                        grad[row + d] += logits[c];
                    }
                }
                step++;
                var count = end - start;
                for (var k = 0; k < w.Length; k++)
                {
                    var isBias = k % (d + 1) == d;
                    var g = grad[k] / count + (isBias ? 0 : o.WeightDecay * w[k]);
                    m[k] = 0.9 * m[k] + 0.1 * g;
                    v[k] = 0.999 * v[k] + 0.001 * g * g;
                    var mh = m[k] / (1 - Math.Pow(0.9, step));
                    var vh = v[k] / (1 - Math.Pow(0.999, step));
                    w[k] -= o.Lr * mh / (Math.Sqrt(vh) + 1e-8);
                }
            }
        }
        return new SoftmaxModel(w, mean, scale, classes, d);
    }

    private static (double[] Mean, double[] Scale) Standardisation(float[][] x, int d)
    {
        var mean = new double[d];
        var sq = new double[d];
        foreach (var row in x)
            for (var j = 0; j < d; j++)
            {
                mean[j] += row[j];
                sq[j] += (double)row[j] * row[j];
            }
        var scale = new double[d];
        for (var j = 0; j < d; j++)
        {
            mean[j] /= Math.Max(1, x.Length);
            var variance = sq[j] / Math.Max(1, x.Length) - mean[j] * mean[j];
            scale[j] = variance > 1e-12 ? 1 / Math.Sqrt(variance) : 1;
        }
        return (mean, scale);
    }
}

/// <summary>A fitted softmax classifier over standardised features.</summary>
public sealed class SoftmaxModel(double[] weights, double[] mean, double[] scale, int classes, int dimension)
{
    public int Predict(float[] x)
    {
        var feature = new double[dimension];
        for (var j = 0; j < dimension; j++) feature[j] = (x[j] - mean[j]) * scale[j];
        var p = new double[classes];
        Probabilities(weights, feature, classes, p);
        return Array.IndexOf(p, p.Max());
    }

    public double Accuracy(float[][] x, int[] y) => x.Length == 0 ? 0 : (double)x.Select((row, i) => Predict(row) == y[i] ? 1 : 0).Sum() / x.Length;

    internal static void Probabilities(double[] w, double[] feature, int classes, double[] output)
    {
        var d = feature.Length;
        var max = double.NegativeInfinity;
        for (var c = 0; c < classes; c++)
        {
            var row = c * (d + 1);
            var z = w[row + d];
            for (var j = 0; j < d; j++) z += w[row + j] * feature[j];
            output[c] = z;
            max = Math.Max(max, z);
        }
        double sum = 0;
        for (var c = 0; c < classes; c++) sum += output[c] = Math.Exp(output[c] - max);
        for (var c = 0; c < classes; c++) output[c] /= sum;
    }
}
