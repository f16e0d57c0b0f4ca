using System.Globalization;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Sources;

namespace IBot.Pipeline.Vision.Data.Labels;

/// <summary>
/// How much of a labelled training split an evaluation may use — the semi-supervised protocol:
/// every image (<c>100%</c>), a percentage of each class (<c>1%</c>, <c>10%</c>, as the paper's
/// ImageNet splits), or a number of images per class (<c>13</c>). Selection is class-balanced
/// and seeded: each class keeps a seeded random subset of round(p · n_c) images (at least one),
/// so for one seed a smaller fraction is always a subset of a larger one.
/// </summary>
public sealed record LabelFraction
{
    private const int SelectionStream = 0x1AB5;

    private LabelFraction(double? percent, int? perClass)
    {
        Percent = percent;
        PerClass = perClass;
    }

    /// <summary>Percentage of each class kept, in (0, 100]; null when <see cref="PerClass"/> is set.</summary>
    public double? Percent { get; }

    /// <summary>Images kept per class; null when <see cref="Percent"/> is set.</summary>
    public int? PerClass { get; }

    public static LabelFraction All { get; } = new(100.0, null);

    public bool IsAll => Percent is 100.0;

    /// <summary>Parses <c>N%</c> (0 &lt; N ≤ 100) or a whole number of images per class.</summary>
    public static bool TryParse(string? text, out LabelFraction fraction, out string error)
    {
        fraction = All;
        error = "";
        var s = text?.Trim() ?? "";
        if (s.EndsWith('%'))
        {
            if (double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p > 0 && p <= 100)
            {
                fraction = new LabelFraction(p, null);
                return true;
            }
            error = $"'{s}' is not a percentage in (0%, 100%]";
            return false;
        }
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            fraction = new LabelFraction(null, n);
            return true;
        }
        error = double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is > 0 and < 1
            ? $"'{s}' is ambiguous: write a percentage ('{d * 100:0.###}%') or a whole number of images per class"
            : $"'{s}' is neither a percentage (e.g. 10%) nor a positive number of images per class";
        return false;
    }

    public static LabelFraction Parse(string text) =>
        TryParse(text, out var fraction, out var error) ? fraction : throw new ArgumentException($"labels: {error}");

    /// <summary>Images kept from a class of <paramref name="classSize"/> images.</summary>
    public int CountFor(int classSize) => classSize == 0 ? 0
        : Math.Min(classSize, PerClass ?? Math.Max(1, (int)Math.Round(classSize * Percent!.Value / 100.0, MidpointRounding.AwayFromZero)));

    /// <summary>The kept indices of <paramref name="source"/>, ascending: per class, the first
    /// <see cref="CountFor"/> of a permutation drawn from (<paramref name="seed"/>, class).</summary>
    public int[] Select(IImageSource source, long seed)
    {
        if (IsAll) return Enumerable.Range(0, source.Count).ToArray();
        var byClass = Enumerable.Range(0, source.Count).GroupBy(source.Label);
        var kept = new List<int>();
        foreach (var members in byClass)
        {
            var indices = members.ToArray();
            var order = new SampleRandom(seed, 0, members.Key, SelectionStream).Permutation(indices.Length);
            kept.AddRange(order.Take(CountFor(indices.Length)).Select(i => indices[i]));
        }
        kept.Sort();
        return kept.ToArray();
    }

    /// <summary>The labelled images a protocol trains on: <paramref name="source"/> itself, or the
    /// subset <see cref="Select"/> keeps.</summary>
    public IImageSource Apply(IImageSource source, long seed) => IsAll ? source : new ImageSubset(source, Select(source, seed));

    public override string ToString() => PerClass is { } n ? n.ToString(CultureInfo.InvariantCulture) : $"{Percent!.Value.ToString(CultureInfo.InvariantCulture)}%";
}
