using IBot.Pipeline.Vision.Eval;

namespace IBot.Pipeline.Vision.Tests.Parity;

[Trait("Category", "Parity")]
public sealed class EvalParityTests
{
    [Fact]
    public void Weighted_knn_top1_and_top5_match_for_every_k()
    {
        using var golden = Golden.Load("knn.safetensors");
        var c = Golden.Config(golden);
        var testCount = golden["input.test_labels"].shape[0];
        // One test sample apart (a tie broken the other way) is tolerated.
        var onePoint = 100.0 / testCount + 1e-9;
        var results = c.GetProperty("results");
        Assert.NotEmpty(results.EnumerateObject());
        foreach (var entry in results.EnumerateObject())
        {
            var k = int.Parse(entry.Name, System.Globalization.CultureInfo.InvariantCulture);
            var ours = KnnClassifier.Evaluate(golden["input.train_features"], golden["input.train_labels"],
                golden["input.test_features"], golden["input.test_labels"], k, c.Double("temperature"), c.Int("num_classes"));
            Assert.True(Math.Abs(ours.Top1 - entry.Value.Double("top1")) <= onePoint, $"k={k} top1 {ours.Top1} vs {entry.Value.Double("top1")}");
            Assert.True(Math.Abs(ours.Top5 - entry.Value.Double("top5")) <= onePoint, $"k={k} top5 {ours.Top5} vs {entry.Value.Double("top5")}");
        }
    }

    [Fact]
    public void Clustering_metrics_match()
    {
        var golden = Golden.Json("unsup.json");
        var labels = golden.GetProperty("labels").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var predictions = golden.GetProperty("predictions").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var scores = ClusteringMetrics.Score(labels, predictions);
        Assert.True(Math.Abs(scores.Nmi - golden.Double("nmi")) <= 1e-9, $"nmi {scores.Nmi:R} vs {golden.Double("nmi"):R}");
        Assert.True(Math.Abs(scores.Ari - golden.Double("ari")) <= 1e-9, $"ari {scores.Ari:R} vs {golden.Double("ari"):R}");
        Assert.True(Math.Abs(scores.FowlkesMallows - golden.Double("fowlkes_mallows")) <= 1e-9,
            $"fmi {scores.FowlkesMallows:R} vs {golden.Double("fowlkes_mallows"):R}");
    }
}
