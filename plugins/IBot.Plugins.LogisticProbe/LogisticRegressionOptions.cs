using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;

namespace IBot.Plugins.LogisticProbe;

public sealed class LogisticRegressionOptions : IPeriodicOptions
{
    [Range(1, 10_000), Description("Full passes over the training features (100).")]
    public int Epochs { get; init; } = 100;

    [Range(1e-6, 10.0), Description("Adam learning rate on standardised features (0.01).")]
    public double Lr { get; init; } = 0.01;

    [Range(0.0, 10.0), Description("L2 penalty on the weights (1e-4).")]
    public double WeightDecay { get; init; } = 1e-4;

    [Range(1, 1 << 20), Description("Mini-batch size (256).")]
    public int BatchSize { get; init; } = 256;

    [Range(0, 100_000), Description("Epochs between evaluations during training; 0 = at the end only.")]
    public int Every { get; init; }

    [Description("Seed of the mini-batch order.")]
    public int Seed { get; init; }
}
