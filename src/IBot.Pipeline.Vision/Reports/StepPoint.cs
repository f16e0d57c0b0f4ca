namespace IBot.Pipeline.Vision.Reports;

/// <summary>A training step as logged: <see cref="Epochs"/> is the training progress in epochs at its end;
/// <see cref="Losses"/> the total (<c>loss</c>) and every term and part (<c>loss_*</c>).</summary>
public sealed record StepPoint(long Iteration, double Epochs, IReadOnlyDictionary<string, double> Losses, double Lr, double WeightDecay)
{
    public double Loss => Losses.GetValueOrDefault("loss", double.NaN);
}
