namespace IBot.Pipeline.Vision.Eval;

/// <summary>Test accuracy (percent) at each evaluated epoch (1-based), and the mean training loss per epoch.</summary>
public sealed record FineTuneHistory(IReadOnlyList<(int Epoch, double Top1, double Top5)> Evaluations, double[] Loss)
{
    /// <summary>The reference's report: the evaluation with the highest top-1 (the earliest on ties).</summary>
    public (int Epoch, double Top1, double Top5) Best() => Evaluations.Aggregate((a, b) => b.Top1 > a.Top1 ? b : a);
}
