using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Lineage.Graph;

/// <summary><c>ibot compare A B</c>: which spec keys differ and how every metric moved.</summary>
public sealed record RunComparison(RunRecord A, RunRecord B, IReadOnlyList<ParamDifference> Params, IReadOnlyList<MetricDifference> Metrics)
{
    public bool SameSpec => A.SpecHash == B.SpecHash;

    public static RunComparison Of(RunRecord a, RunRecord b)
    {
        var keys = a.Params.Keys.Union(b.Params.Keys).Order(StringComparer.Ordinal);
        var parameters = keys
            .Select(k => new ParamDifference(k, a.Params.GetValueOrDefault(k), b.Params.GetValueOrDefault(k)))
            .Where(d => d.A != d.B)
            .ToList();
        var metrics = a.Metrics.Keys.Union(b.Metrics.Keys).Order(StringComparer.Ordinal)
            .Select(n => new MetricDifference(n, a.Metrics.TryGetValue(n, out var x) ? x.Last : null, b.Metrics.TryGetValue(n, out var y) ? y.Last : null))
            .ToList();
        return new RunComparison(a, b, parameters, metrics);
    }
}
