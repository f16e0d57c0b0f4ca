namespace IBot.Pipeline.Lineage.Graph;

/// <summary>One metric of either run: last values and B − A where both have it.</summary>
public sealed record MetricDifference(string Name, double? A, double? B)
{
    public double? Delta => A is { } a && B is { } b ? b - a : null;
}
