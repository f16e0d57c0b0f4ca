using IBot.Pipeline.Lineage.Graph;

namespace IBot.Pipeline.Documents;

/// <summary><c>ibot compare A B --json</c>: the two runs, whether their specs hash the same, the params that
/// differ and every metric's last value on each side with B − A.</summary>
public sealed record CompareDocument(string A, string B, bool SameSpec, IReadOnlyList<CompareDocument.Param> Params, IReadOnlyList<CompareDocument.Metric> Metrics)
{
    public static CompareDocument Of(RunComparison diff) => new(
        diff.A.Id,
        diff.B.Id,
        diff.SameSpec,
        diff.Params.Select(p => new Param(p.Key, LineageValues.Json(p.A), LineageValues.Json(p.B))).ToList(),
        diff.Metrics.Select(m => new Metric(m.Name, m.A, m.B, m.Delta)).ToList());

    /// <summary>A param that differs; null where a run lacks it.</summary>
    public sealed record Param(string Key, object? A, object? B);

    /// <summary>A metric's last values; null where a run lacks it.</summary>
    public sealed record Metric(string Name, double? A, double? B, double? Delta);
}
