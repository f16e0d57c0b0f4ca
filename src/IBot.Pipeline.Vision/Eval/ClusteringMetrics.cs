namespace IBot.Pipeline.Vision.Eval;

/// <summary>Agreement between predicted clusters and true labels.</summary>
/// <param name="Nmi">Normalised mutual information (arithmetic-mean normalisation).</param>
/// <param name="Ari">Adjusted Rand index.</param>
/// <param name="FowlkesMallows">Fowlkes–Mallows index.</param>
public sealed record ClusteringScores(double Nmi, double Ari, double FowlkesMallows);

/// <summary>
/// NMI, ARI and Fowlkes–Mallows as scikit-learn defines them (the reference's
/// <c>eval_pred</c> calls sklearn), computed from the contingency table in double precision.
/// </summary>
public static class ClusteringMetrics
{
    public static ClusteringScores Score(IReadOnlyList<long> labels, IReadOnlyList<long> predictions)
    {
        if (labels.Count != predictions.Count) throw new ArgumentException("labels and predictions differ in length");
        if (labels.Count == 0) throw new ArgumentException("no samples");
        var table = Contingency(labels, predictions, out var rowSums, out var colSums);
        long n = labels.Count;
        return new ClusteringScores(Nmi(table, rowSums, colSums, n), Ari(table, rowSums, colSums, n), FowlkesMallows(table, rowSums, colSums, n));
    }

    private static Dictionary<(long, long), long> Contingency(IReadOnlyList<long> a, IReadOnlyList<long> b,
        out Dictionary<long, long> rows, out Dictionary<long, long> cols)
    {
        var table = new Dictionary<(long, long), long>();
        rows = new Dictionary<long, long>();
        cols = new Dictionary<long, long>();
        for (var i = 0; i < a.Count; i++)
        {
            table[(a[i], b[i])] = table.GetValueOrDefault((a[i], b[i])) + 1;
            rows[a[i]] = rows.GetValueOrDefault(a[i]) + 1;
            cols[b[i]] = cols.GetValueOrDefault(b[i]) + 1;
        }
        return table;
    }

    private static double Entropy(IEnumerable<long> counts, long n) =>
        -counts.Sum(c => (double)c / n * (Math.Log(c) - Math.Log(n)));

    private static double Nmi(Dictionary<(long, long), long> table, Dictionary<long, long> rows, Dictionary<long, long> cols, long n)
    {
        // Both labelings a single cluster (or each sample its own, identically): perfect agreement.
        if (rows.Count == cols.Count && (rows.Count == 1 || rows.Count == n)) return 1.0;
        double mi = 0;
        foreach (var ((r, c), nij) in table)
            mi += (double)nij / n * (Math.Log(nij) + Math.Log(n) - Math.Log(rows[r]) - Math.Log(cols[c]));
        mi = Math.Max(mi, 0.0);
        var normaliser = Math.Max((Entropy(rows.Values, n) + Entropy(cols.Values, n)) / 2, double.Epsilon);
        return mi / normaliser;
    }

    private static double Ari(Dictionary<(long, long), long> table, Dictionary<long, long> rows, Dictionary<long, long> cols, long n)
    {
        // Pair-confusion form, as scikit-learn computes it.
        double sumSquares = table.Values.Sum(v => (double)v * v);
        double rowSq = rows.Values.Sum(v => (double)v * v);
        double colSq = cols.Values.Sum(v => (double)v * v);
        var tp = sumSquares - n;
        var fp = colSq - sumSquares;
        var fn = rowSq - sumSquares;
        var tn = (double)n * n - fp - fn - sumSquares;
        if (fn == 0 && fp == 0) return 1.0;
        return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
    }

    private static double FowlkesMallows(Dictionary<(long, long), long> table, Dictionary<long, long> rows, Dictionary<long, long> cols, long n)
    {
        var tk = table.Values.Sum(v => (double)v * v) - n;
        var pk = rows.Values.Sum(v => (double)v * v) - n;
        var qk = cols.Values.Sum(v => (double)v * v) - n;
        return tk != 0 ? Math.Sqrt(tk / pk) * Math.Sqrt(tk / qk) : 0.0;
    }
}
