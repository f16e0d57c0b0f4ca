namespace IBot.Pipeline.Lineage.Model;

/// <summary>One value of a metric series: training losses at the log interval, evaluation results per epoch.</summary>
/// <remarks>Evaluation: The evaluation that measured it; null for training metrics.</remarks>
public sealed record MetricPoint(string RunId, string Name, double Value, int Epoch, long Step, DateTime At, string? Evaluation = null);
