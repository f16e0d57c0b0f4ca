namespace IBot.Pipeline.Abstractions.Runs;

/// <summary>
/// Training progress at a log interval (values read from the device only then).
/// <paramref name="Losses"/> holds the total as <c>loss</c>, each objective's weighted term as
/// <c>loss_&lt;term&gt;</c> and the parts a term reports as <c>loss_&lt;term&gt;_&lt;part&gt;</c>, in that order.
/// </summary>
public sealed record StepReport(int Epoch, int Iteration, int IterationsPerEpoch, long GlobalIteration,
    IReadOnlyList<KeyValuePair<string, double>> Losses, double Lr, double WeightDecay, double Momentum, double ImagesPerSecond)
{
    public const string TotalLoss = "loss";

    /// <summary>The total loss.</summary>
    public double Loss => Losses.First(l => l.Key == TotalLoss).Value;
}
