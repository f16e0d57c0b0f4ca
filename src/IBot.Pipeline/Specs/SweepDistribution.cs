using System.Globalization;

namespace IBot.Pipeline.Specs;

/// <summary>One key's distribution in a random search. Draws are scalars placed where the
/// distribution was declared, so a value that fails validation points back at the sweep.</summary>
public abstract record SweepDistribution(SourceLocation Location)
{
    public abstract SpecNode Draw(Random random);

    /// <summary>Parses <c>{choice: [...]}</c>, <c>{uniform: [a, b]}</c>, <c>{loguniform: [a, b]}</c> or
    /// <c>{int: [a, b]}</c>; null with errors added when the node is none of them.</summary>
    public static SweepDistribution? Parse(string key, SpecNode node, List<SpecError> errors)
    {
        var where = $"sweep.random.params.{key}";
        if (node is not SpecMapping { Entries.Count: 1 } mapping)
        {
            errors.Add(new SpecError(node.Location, $"{where} must be one of {{choice: [...]}}, {{uniform: [a, b]}}, {{loguniform: [a, b]}}, {{int: [a, b]}}"));
            return null;
        }
        var (kindKey, value) = mapping.Entries[0];
        switch (kindKey.Value)
        {
            case "choice":
                if (value is SpecSequence { Items.Count: > 0 } options) return new Choice(value.Location, options.Items);
                errors.Add(new SpecError(value.Location, $"{where}.choice must be a non-empty list of values"));
                return null;
            case "uniform" or "loguniform":
                if (!Bounds(value, out var a, out var b) || !(a < b) || !double.IsFinite(a) || !double.IsFinite(b))
                {
                    errors.Add(new SpecError(value.Location, $"{where}.{kindKey.Value} must be [low, high] with finite low < high"));
                    return null;
                }
                if (kindKey.Value == "uniform") return new Uniform(value.Location, a, b);
                if (a > 0) return new LogUniform(value.Location, a, b);
                errors.Add(new SpecError(value.Location, $"{where}.loguniform bounds must be positive"));
                return null;
            case "int":
                if (value is SpecSequence { Items: [SpecScalar lo, SpecScalar hi] } && lo.TryLong(out var low) && hi.TryLong(out var high) && low <= high)
                    return new IntRange(value.Location, low, high);
                errors.Add(new SpecError(value.Location, $"{where}.int must be [low, high], integers with low <= high (both inclusive)"));
                return null;
            default:
                errors.Add(new SpecError(kindKey.Location,
                    $"{where}: unknown distribution '{kindKey.Value}'{Suggestions.Hint(kindKey.Value, ["choice", "uniform", "loguniform", "int"])}"));
                return null;
        }
    }

    private static bool Bounds(SpecNode node, out double low, out double high)
    {
        low = high = 0;
        return node is SpecSequence { Items: [SpecScalar a, SpecScalar b] } && a.TryDouble(out low) && b.TryDouble(out high);
    }

    protected SpecScalar Number(double value) => new(Location, value.ToString("R", CultureInfo.InvariantCulture));

    public sealed record Choice(SourceLocation Location, IReadOnlyList<SpecNode> Options) : SweepDistribution(Location)
    {
        public override SpecNode Draw(Random random) => Options[random.Next(Options.Count)].DeepClone();
    }

    public sealed record Uniform(SourceLocation Location, double Low, double High) : SweepDistribution(Location)
    {
        public override SpecNode Draw(Random random)
        {
            var u = random.NextDouble();
            // A span wider than double's range ([-1e308, 1e308]) is infinite: interpolate instead, never drawing Infinity.
            return Number(double.IsFinite(High - Low) ? Low + (High - Low) * u : Low * (1 - u) + High * u);
        }
    }

    /// <summary>Uniform in log space: each decade is equally likely, as learning rates want.</summary>
    public sealed record LogUniform(SourceLocation Location, double Low, double High) : SweepDistribution(Location)
    {
        public override SpecNode Draw(Random random) =>
            Number(Math.Exp(Math.Log(Low) + (Math.Log(High) - Math.Log(Low)) * random.NextDouble()));
    }

    public sealed record IntRange(SourceLocation Location, long Low, long High) : SweepDistribution(Location)
    {
        public override SpecNode Draw(Random random) =>
            new SpecScalar(Location, (High < long.MaxValue ? random.NextInt64(Low, High + 1) : UpToMax(random)).ToString(CultureInfo.InvariantCulture));

        // High + 1 overflows at long.MaxValue (NextInt64 threw, or drew only Low for the full range): draw the
        // offset from Low as an unsigned number below the span, by rejection so every value is equally likely.
        private long UpToMax(Random random)
        {
            var span = unchecked((ulong)(High - Low) + 1);   // 0: all 2^64 values
            Span<byte> bytes = stackalloc byte[8];
            var limit = span == 0 ? ulong.MaxValue : ulong.MaxValue - (ulong.MaxValue % span + 1) % span;
            ulong r;
            do
            {
                random.NextBytes(bytes);
                r = BitConverter.ToUInt64(bytes);
            }
            while (r > limit);
            return unchecked(Low + (long)(span == 0 ? r : r % span));
        }
    }
}
