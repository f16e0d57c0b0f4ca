using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Documents;

/// <summary>A metric of a run in <see cref="RunDocument.Metrics"/>: last value, extremes, the best of them
/// (the min for losses, else the max), how many values and where the last was taken.</summary>
public sealed record MetricSummaryDocument(double Last, double Min, double Max, double Best, int Count, int LastEpoch, long LastStep)
{
    public static MetricSummaryDocument Of(string name, MetricSummary m) => new(m.Last, m.Min, m.Max, m.Best(name), m.Count, m.LastEpoch, m.LastStep);
}
