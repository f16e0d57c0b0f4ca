using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace IBot.Pipeline.Specs;

/// <summary><c>sweep.random</c>: how many runs to draw, from which seeded stream, and each key's distribution.</summary>
public sealed class RandomSweepSection
{
    [Required, Range(1, SweepExpander.MaxRuns), Description("Runs drawn (per grid point when a grid is also given).")]
    public int Samples { get; init; }

    [Description("Seed of the draws: the same seed gives the same runs.")]
    public long Seed { get; init; }

    [Required, Description("Dotted key → {choice: [...]} | {uniform: [a, b]} | {loguniform: [a, b]} | {int: [a, b]}.")]
    public Dictionary<string, SpecNode> Params { get; init; } = [];
}
