using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace IBot.Plugins.KoLeo;

/// <summary>The <c>koleo</c> objective's options (its weight is the entry's <c>weight</c>).</summary>
public sealed class KoLeoOptions
{
    [Range(1e-12, 1e-2), Description("Added to distances before the log, and the normalisation's and pairwise distance's epsilon (1e-8, as DINOv2).")]
    public double Eps { get; init; } = 1e-8;
}
