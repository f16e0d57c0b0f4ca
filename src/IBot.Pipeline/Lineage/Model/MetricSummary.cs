namespace IBot.Pipeline.Lineage.Model;

/// <summary>What queries read of a metric series without reading the series: its last value
/// (the latest recorded), its extremes and where the last one was taken.</summary>
public sealed record MetricSummary(double Last, double Min, double Max, int Count, int LastEpoch, long LastStep)
{
    public static MetricSummary First(MetricPoint p) => new(p.Value, p.Value, p.Value, 1, p.Epoch, p.Step);

    public MetricSummary Add(MetricPoint p) =>
        new(p.Value, Math.Min(Min, p.Value), Math.Max(Max, p.Value), Count + 1, p.Epoch, p.Step);

    /// <summary>Lower is better for losses, higher for everything else (accuracies, NMI, ARI …).</summary>
    public static bool LowerIsBetter(string metric) => metric.Contains("loss", StringComparison.OrdinalIgnoreCase);

    public double Best(string metric) => LowerIsBetter(metric) ? Min : Max;
}
