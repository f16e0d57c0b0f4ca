namespace IBot.Pipeline.Vision.Eval;

/// <summary>
/// Minimum-cost assignment (Kuhn–Munkres, O(n³) with potentials) on a rectangular cost matrix:
/// every row gets a distinct column when rows ≤ columns (pad otherwise). Used to match
/// clusters to classes for clustering accuracy.
/// </summary>
public static class Hungarian
{
    /// <summary>Column assigned to each row of <paramref name="cost"/> (rows × columns, rows ≤ columns).</summary>
    public static int[] Solve(double[,] cost)
    {
        int n = cost.GetLength(0), m = cost.GetLength(1);
        if (n > m) throw new ArgumentException("more rows than columns: transpose or pad the matrix");
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];   // p[j]: row matched to column j (1-based), 0 = free
        var way = new int[m + 1];
        for (var i = 1; i <= n; i++)
        {
            p[0] = i;
            var j0 = 0;
            var minv = Enumerable.Repeat(double.PositiveInfinity, m + 1).ToArray();
            var used = new bool[m + 1];
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                var delta = double.PositiveInfinity;
                for (var j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    var cur = cost[i0 - 1, j - 1] - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (var j = 0; j <= m; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                var j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var assignment = new int[n];
        for (var j = 1; j <= m; j++)
            if (p[j] != 0) assignment[p[j] - 1] = j - 1;
        return assignment;
    }

    /// <summary>Accuracy of <paramref name="predictions"/> against <paramref name="labels"/> under the
    /// one-to-one matching of predicted clusters to classes that maximises it (unmatched clusters count as wrong).</summary>
    public static double MatchedAccuracy(IReadOnlyList<long> labels, IReadOnlyList<long> predictions)
    {
        var clusters = predictions.Distinct().Order().ToArray();
        var classes = labels.Distinct().Order().ToArray();
        var ci = clusters.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var li = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var size = Math.Max(clusters.Length, classes.Length);
        var counts = new double[size, size];
        for (var k = 0; k < labels.Count; k++) counts[ci[predictions[k]], li[labels[k]]]++;
        var cost = new double[size, size];
        for (var r = 0; r < size; r++)
            for (var c = 0; c < size; c++)
                cost[r, c] = -counts[r, c];
        var assignment = Solve(cost);
        double correct = 0;
        for (var r = 0; r < size; r++) correct += counts[r, assignment[r]];
        return correct / labels.Count;
    }
}
