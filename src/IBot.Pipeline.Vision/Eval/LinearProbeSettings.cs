namespace IBot.Pipeline.Vision.Eval;

/// <param name="Epochs">Passes over the training features.</param>
/// <param name="LearningRates">Per head: the learning rate actually applied at epoch 0 (already batch-scaled).</param>
/// <param name="WeightDecays">Per head: L2 weight decay.</param>
/// <param name="Momentum">SGD momentum (0.9).</param>
/// <param name="Seed">Seeds the heads' initialisation.</param>
public sealed record LinearProbeSettings(int Epochs, IReadOnlyList<double> LearningRates, IReadOnlyList<double> WeightDecays, double Momentum, long Seed);
