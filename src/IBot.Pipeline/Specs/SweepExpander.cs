namespace IBot.Pipeline.Specs;

/// <summary>
/// Turns a composed spec tree with a <c>sweep</c> section into the trees of its runs:
/// the cartesian product of <c>sweep.grid</c> (keys in document order, the last key varying
/// fastest), times <c>sweep.random.samples</c> draws from a stream seeded by
/// <c>sweep.random.seed</c>. <c>--set</c> overrides are applied before expansion, so they
/// reach every run; a sweep key wins over an override of the same key.
/// </summary>
public static class SweepExpander
{
    public const string SweepKey = "sweep";
    public const string ScheduleKey = "schedule";

    /// <summary>Most runs one sweep may expand to (grid points times samples): every run is a tree,
    /// validated, given a folder and queued at submission, so the count is checked before any is built.</summary>
    public const int MaxRuns = 10_000;

    /// <summary>The problems of the sweep section beyond what binding checks: empty lists and
    /// malformed distributions. Keys are checked when each run is validated: a swept key that
    /// the spec does not accept is reported there, at the sweep's line, with "did you mean".</summary>
    public static List<SpecError> Check(SpecMapping tree)
    {
        var errors = new List<SpecError>();
        Parse(tree, errors);
        return errors;
    }

    /// <summary>The runs of <paramref name="tree"/>: one (index 0, the tree itself without
    /// <c>sweep</c>) when it has no sweep.</summary>
    public static IReadOnlyList<SweepPoint> Expand(SpecMapping tree)
    {
        var errors = new List<SpecError>();
        var (grid, random) = Parse(tree, errors);
        if (errors.Count > 0) throw new SpecException(errors);

        var combinations = new List<List<KeyValuePair<string, SpecNode>>> { new() };
        foreach (var (key, values) in grid)
            combinations = combinations.SelectMany(c => values.Select(v => new List<KeyValuePair<string, SpecNode>>(c) { new(key, v) })).ToList();
        if (random is { } r)
        {
            // One stream for the whole sweep: deterministic by seed, distinct draws per grid point.
            var rng = new Random(unchecked((int)(r.Seed ^ (r.Seed >> 32))));
            combinations = combinations.SelectMany(c => Enumerable.Range(0, r.Samples)
                .Select(_ => new List<KeyValuePair<string, SpecNode>>(c).Concat(r.Params.Select(p => KeyValuePair.Create(p.Key, p.Value.Draw(rng)))).ToList())).ToList();
        }
        var swept = tree[SweepKey] is not null;
        var width = combinations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        return combinations.Select((values, index) =>
        {
            var run = (SpecMapping)tree.DeepClone();
            run.Remove(SweepKey);
            run.Remove(ScheduleKey);
            foreach (var (key, value) in values)
                new SpecOverride(key.Split('.'), value.DeepClone(), value.Location).ApplyTo(run);
            if (swept && run["name"] is SpecScalar name && run.KeyOf("name") is { } nameKey)
                run.Set(nameKey, name with { Value = $"{name.Value}-{(index + 1).ToString($"D{width}", System.Globalization.CultureInfo.InvariantCulture)}" });
            return new SweepPoint(index, values, run);
        }).ToList();
    }

    private sealed record RandomPart(int Samples, long Seed, List<KeyValuePair<string, SweepDistribution>> Params);

    private static (List<KeyValuePair<string, List<SpecNode>>> Grid, RandomPart? Random) Parse(SpecMapping tree, List<SpecError> errors)
    {
        var grid = new List<KeyValuePair<string, List<SpecNode>>>();
        if (tree[SweepKey] is not SpecMapping sweep) return (grid, null);
        if (sweep["grid"] is SpecMapping gridNode)
            foreach (var (key, values) in gridNode.Entries)
            {
                if (values is not SpecSequence { Items.Count: > 0 } list)
                    errors.Add(new SpecError(values.Location, $"sweep.grid.{key.Value} must be a non-empty list of values"));
                else grid.Add(new(key.Value, list.Items));
            }
        RandomPart? random = null;
        if (sweep["random"] is SpecMapping randomNode)
        {
            var samples = randomNode["samples"] is SpecScalar s && s.TryLong(out var n) ? (int)Math.Clamp(n, 0, int.MaxValue) : 0;
            var seed = randomNode["seed"] is SpecScalar seedNode && seedNode.TryLong(out var sd) ? sd : 0;
            var parameters = new List<KeyValuePair<string, SweepDistribution>>();
            if (randomNode["params"] is SpecMapping ps)
            {
                if (ps.Entries.Count == 0) errors.Add(new SpecError(ps.Location, "sweep.random.params must name at least one key"));
                foreach (var (key, node) in ps.Entries)
                {
                    if (grid.Any(g => g.Key == key.Value)) errors.Add(new SpecError(key.Location, $"sweep.random.params: '{key.Value}' is also in sweep.grid"));
                    if (SweepDistribution.Parse(key.Value, node, errors) is { } d) parameters.Add(new(key.Value, d));
                }
            }
            if (samples > 0) random = new RandomPart(samples, seed, parameters);
        }
        // Counted in floating point: a grid of many long lists overflows any integer.
        var runs = grid.Aggregate(1.0, (product, key) => product * key.Value.Count) * (random?.Samples ?? 1);
        if (runs > MaxRuns)
            errors.Add(new SpecError(sweep.Location, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the sweep expands to {runs:N0} runs ({string.Join(" x ", grid.Select(g => g.Value.Count).Append(random?.Samples ?? 1))}); the limit is {MaxRuns:N0}")));
        return (grid, random);
    }
}
