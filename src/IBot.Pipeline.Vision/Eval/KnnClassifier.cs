using TorchSharp;
using IBot.Pipeline.Vision.Runtime;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Eval;

/// <summary>Top-1 and top-5 accuracy in percent.</summary>
public sealed record KnnResult(int K, double Top1, double Top5);

/// <summary>
/// The paper's weighted k-NN classifier: cosine similarity to every training feature, the k
/// nearest vote for their class with weight exp(sim / T), classes ranked by summed votes.
/// Features are L2-normalised here, so raw backbone outputs can be passed.
/// </summary>
public static class KnnClassifier
{
    /// <param name="trainFeatures">(N, D).</param>
    /// <param name="trainLabels">(N,) int64.</param>
    /// <param name="testFeatures">(M, D).</param>
    /// <param name="testLabels">(M,) int64.</param>
    /// <param name="k">Neighbours; 20 in the paper.</param>
    /// <param name="temperature">Vote temperature; 0.07.</param>
    /// <param name="numClasses">Number of classes.</param>
    /// <param name="chunk">Test rows per similarity block, bounding memory to chunk × N.</param>
    public static KnnResult Evaluate(Tensor trainFeatures, Tensor trainLabels, Tensor testFeatures, Tensor testLabels,
        int k, double temperature, int numClasses, int chunk = 256)
    {
        if (k > trainFeatures.shape[0]) throw new ArgumentException($"k = {k} exceeds the {trainFeatures.shape[0]} training samples");
        using var scope = NewDisposeScope();
        var train = nn.functional.normalize(trainFeatures.to(ScalarType.Float32), dim: 1).t();  // (D, N)
        var test = nn.functional.normalize(testFeatures.to(ScalarType.Float32), dim: 1);        // (M, D)
        var labels = trainLabels.to(ScalarType.Int64);
        var targets = testLabels.to(ScalarType.Int64);
        var topN = Math.Min(5, numClasses);
        long top1 = 0, top5 = 0, total = test.shape[0];
        for (long start = 0; start < total; start += chunk)
        {
            using var inner = NewDisposeScope();
            var rows = Math.Min(chunk, total - start);
            var similarity = test.narrow(0, start, rows).mm(train);                      // (R, N)
            var (distances, indices) = similarity.topk(k, 1, largest: true, sorted: true); // (R, k)
            var neighbours = labels.index_select(0, indices.flatten()).view(rows, k);     // (R, k)
            using var t = temperature.ToScalar();
            var votes = zeros(rows, numClasses, device: similarity.device)
                .scatter_add_(1, neighbours, distances.div(t).exp());                      // (R, C)
            var (_, predictions) = votes.sort(1, descending: true);
            var correct = predictions.eq(targets.narrow(0, start, rows).view(-1, 1));
            top1 += correct.narrow(1, 0, 1).sum().item<long>();
            top5 += correct.narrow(1, 0, topN).sum().item<long>();
        }
        return new KnnResult(k, top1 * 100.0 / total, top5 * 100.0 / total);
    }
}
