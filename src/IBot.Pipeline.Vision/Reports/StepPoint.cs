namespace IBot.Pipeline.Vision.Reports;

/// <summary>A training step as logged: <see cref="Epochs"/> is the training progress in epochs at its end.</summary>
public sealed record StepPoint(long Iteration, double Epochs, double Loss, double LossCls, double LossPatch, double Lr, double WeightDecay);
