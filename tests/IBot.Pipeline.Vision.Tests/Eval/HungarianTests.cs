using IBot.Pipeline.Vision.Eval;

namespace IBot.Pipeline.Vision.Tests.Eval;

public sealed class HungarianTests
{
    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (var i = 0; i < items.Length; i++)
            foreach (var rest in Permutations(items.Where((_, j) => j != i).ToArray()))
                yield return [items[i], .. rest];
    }

    [Fact]
    public void Assignment_cost_equals_brute_force_on_random_matrices()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 200; trial++)
        {
            var n = random.Next(1, 7);
            var cost = new double[n, n];
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++)
                    cost[i, j] = random.Next(0, 20);
            var assignment = Hungarian.Solve(cost);
            Assert.Equal(n, assignment.Distinct().Count());
            var ours = Enumerable.Range(0, n).Sum(i => cost[i, assignment[i]]);
            var best = Permutations(Enumerable.Range(0, n).ToArray()).Min(p => Enumerable.Range(0, n).Sum(i => cost[i, p[i]]));
            Assert.Equal(best, ours);
        }
    }

    [Fact]
    public void Matched_accuracy_equals_the_best_one_to_one_matching()
    {
        var random = new Random(6);
        for (var trial = 0; trial < 100; trial++)
        {
            var clusters = random.Next(1, 6);
            var classes = random.Next(1, 6);
            var labels = Enumerable.Range(0, 30).Select(_ => (long)random.Next(classes)).ToArray();
            var predictions = Enumerable.Range(0, 30).Select(_ => (long)random.Next(clusters)).ToArray();
            var size = Math.Max(clusters, classes);
            var best = Permutations(Enumerable.Range(0, size).ToArray())
                .Max(p => labels.Zip(predictions).Count(x => p[(int)x.Second] == (int)x.First) / 30.0);
            Assert.Equal(best, Hungarian.MatchedAccuracy(labels, predictions), 12);
        }
    }

    [Fact]
    public void Relabelled_clusters_score_perfectly()
    {
        long[] labels = [0, 0, 1, 1, 2, 2];
        long[] predictions = [7, 7, 3, 3, 5, 5];
        Assert.Equal(1.0, Hungarian.MatchedAccuracy(labels, predictions));
        var scores = ClusteringMetrics.Score(labels, predictions);
        Assert.Equal(1.0, scores.Nmi, 12);
        Assert.Equal(1.0, scores.Ari, 12);
    }
}
