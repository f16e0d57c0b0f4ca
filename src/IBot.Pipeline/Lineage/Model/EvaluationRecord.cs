namespace IBot.Pipeline.Lineage.Model;

/// <summary>One evaluator run once on one network state, with its results. The network state is
/// a checkpoint artifact when one holds it (after a saved epoch, or an evaluation-only run's
/// weights), else only "run at epoch" (initialisation, epochs without a checkpoint).</summary>
/// <remarks>Id: <c>eval:RUN/EVALUATOR@EPOCH</c>.</remarks>
public sealed record EvaluationRecord(string Id, string RunId, string Evaluator, int Epoch, string? Artifact,
    IReadOnlyDictionary<string, double> Metrics, DateTime At)
{
    public static string IdOf(string runId, string evaluator, int epoch) => $"eval:{runId}/{evaluator}@{epoch}";
}
