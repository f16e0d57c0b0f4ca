using System.Globalization;
using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Tests.Specs;

public sealed class SweepExpanderTests
{
    private static SpecMapping Tree(string sweep) => SpecComposer.Parse($"""
        name: base
        seed: 0
        train:
          epochs: 1
          optimizer: {"{"} lr: 5.0e-4 {"}"}
        masking: {"{"} kind: block, ratio: [0.0, 0.3] {"}"}
        {sweep}
        """, "sweep.yaml");

    private static string Value(SweepPoint p, string key) =>
        SpecYamlWriter.Write(p.Values.Single(v => v.Key == key).Value).Trim();

    private static double Number(SweepPoint p, string key) => double.Parse(Value(p, key), CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("{int: [0, 9223372036854775807]}")]                       // found by fuzzing: ArgumentOutOfRangeException from NextInt64
    [InlineData("{int: [9223372036854775807, 9223372036854775807]}")]
    [InlineData("{int: [-9223372036854775808, 9223372036854775807]}")]    // drew long.MinValue every time
    [InlineData("{uniform: [-1.0e308, 1.0e308]}")]                        // drew Infinity every time
    public void Draws_at_the_ends_of_the_number_types_stay_in_range_and_vary(string distribution)
    {
        var points = SweepExpander.Expand(Tree($"sweep:\n  random: {{samples: 20, seed: 3, params: {{seed: {distribution}}}}}"));
        var draws = points.Select(p => Number(p, "seed")).ToList();
        Assert.All(draws, d => Assert.True(double.IsFinite(d)));
        if (!distribution.StartsWith("{int: [9223372036854775807", StringComparison.Ordinal)) Assert.True(draws.Distinct().Count() > 10, string.Join(", ", draws));
    }

    [Fact]
    public void A_sweep_past_the_run_limit_is_an_error_before_any_run_is_built()
    {
        // Found by fuzzing: samples: 100000 expanded to 100,000 trees (560 MB) before anything was checked,
        // and a grid's product has no bound at all (8 keys of 12 values: 430 million runs).
        var keys = string.Join("\n", Enumerable.Range(0, 8).Select(i => $"    k{i}: [{string.Join(", ", Enumerable.Range(0, 12))}]"));
        var tree = Tree($"sweep:\n  grid:\n{keys}");
        var error = Assert.Single(SweepExpander.Check(tree));
        Assert.Contains("expands to 429,981,696 runs (12 x 12 x 12 x 12 x 12 x 12 x 12 x 12 x 1); the limit is 10,000", error.Message);
        Assert.Equal(8, error.Location.Line);   // the sweep section
        var e = Assert.Throws<SpecException>(() => SweepExpander.Expand(Tree("sweep:\n  grid: { seed: [1, 2, 3] }\n  random: { samples: 5000, params: { x: { uniform: [0, 1] } } }")));
        Assert.Contains("15,000 runs", e.Errors[0].Message);
    }

    [Fact]
    public void Grid_is_the_cartesian_product_in_key_order_with_the_values_set_and_the_sweep_removed()
    {
        var points = SweepExpander.Expand(Tree("""
            sweep:
              grid:
                train.optimizer.lr: [1.0e-4, 2.0e-4, 3.0e-4]
                masking.ratio: [[0.0, 0.3], [0.1, 0.5]]
            """));
        Assert.Equal(6, points.Count);
        Assert.Equal(["1.0e-4", "1.0e-4", "2.0e-4", "2.0e-4", "3.0e-4", "3.0e-4"], points.Select(p => Value(p, "train.optimizer.lr")));
        var run = points[3].Tree;
        Assert.Null(run["sweep"]);
        Assert.Equal("base-4", ((SpecScalar)run["name"]!).Value);
        Assert.Equal("2.0e-4", ((SpecScalar)((SpecMapping)((SpecMapping)run["train"]!)["optimizer"]!)["lr"]!).Value);
        Assert.Equal("0.1", ((SpecScalar)((SpecSequence)((SpecMapping)run["masking"]!)["ratio"]!).Items[0]).Value);
        Assert.Equal(6, points.Select(p => SpecYamlWriter.Write(p.Tree)).Distinct().Count());
    }

    [Fact]
    public void A_spec_without_a_sweep_is_one_run_with_its_own_name()
    {
        var points = SweepExpander.Expand(Tree("schedule: \"0 0 2 * * ?\""));
        Assert.Single(points);
        Assert.Equal("base", ((SpecScalar)points[0].Tree["name"]!).Value);
        Assert.Null(points[0].Tree["schedule"]);
    }

    [Fact]
    public void Random_search_is_deterministic_by_seed_and_differs_across_seeds()
    {
        const string sweep = """
            sweep:
              random:
                samples: 20
                seed: SEED
                params:
                  train.optimizer.lr: { loguniform: [1.0e-5, 1.0e-2] }
                  seed: { int: [0, 3] }
                  masking.kind: { choice: [block, random] }
            """;
        string Draws(int seed) => string.Join("|", SweepExpander.Expand(Tree(sweep.Replace("SEED", seed.ToString(CultureInfo.InvariantCulture))))
            .Select(p => string.Join(",", p.Values.Select(v => SpecYamlWriter.Write(v.Value).Trim()))));
        Assert.Equal(Draws(7), Draws(7));
        Assert.NotEqual(Draws(7), Draws(8));
        Assert.Equal(20, SweepExpander.Expand(Tree(sweep.Replace("SEED", "1"))).Count);
    }

    [Fact]
    public void Distributions_stay_in_bounds_int_is_inclusive_and_loguniform_is_uniform_in_log_space()
    {
        var points = SweepExpander.Expand(Tree("""
            sweep:
              random:
                samples: 2000
                seed: 3
                params:
                  train.optimizer.lr: { loguniform: [1.0e-6, 1.0e-2] }
                  train.epochs: { int: [1, 3] }
                  seed: { uniform: [-1.0, 1.0] }
            """));
        var lr = points.Select(p => Number(p, "train.optimizer.lr")).ToList();
        Assert.All(lr, v => Assert.InRange(v, 1e-6, 1e-2));
        // Each of the four decades holds about a quarter of the draws; uniform in linear space would put ~90% in the last.
        foreach (var decade in new[] { -6, -5, -4, -3 })
            Assert.InRange(lr.Count(v => Math.Floor(Math.Log10(v)) == decade), 400, 600);
        var epochs = points.Select(p => Value(p, "train.epochs")).ToList();
        Assert.Equal(["1", "2", "3"], epochs.Distinct().Order());
        var uniform = points.Select(p => Number(p, "seed")).ToList();
        Assert.All(uniform, v => Assert.InRange(v, -1.0, 1.0));
        Assert.InRange(uniform.Average(), -0.1, 0.1);
    }

    [Fact]
    public void A_grid_and_a_random_search_give_samples_per_grid_point()
    {
        var points = SweepExpander.Expand(Tree("""
            sweep:
              grid: { train.epochs: [1, 2, 3] }
              random: { samples: 4, seed: 1, params: { train.optimizer.lr: { uniform: [0.1, 0.2] } } }
            """));
        Assert.Equal(12, points.Count);
        Assert.Equal(4, points.Count(p => Value(p, "train.epochs") == "2"));
        Assert.Equal(12, points.Select(p => Value(p, "train.optimizer.lr")).Distinct().Count());
        Assert.Equal("base-01", ((SpecScalar)points[0].Tree["name"]!).Value);
    }

    [Fact]
    public void Overrides_applied_before_expansion_reach_every_run()
    {
        var tree = Tree("""
            sweep:
              grid: { train.optimizer.lr: [1.0e-4, 2.0e-4] }
            """);
        SpecOverride.Parse("train.epochs=7", 1).ApplyTo(tree);
        Assert.All(SweepExpander.Expand(tree), p => Assert.Equal("7", ((SpecScalar)((SpecMapping)p.Tree["train"]!)["epochs"]!).Value));
    }

    [Fact]
    public void Malformed_sweeps_are_reported_with_their_location()
    {
        var errors = SweepExpander.Check(Tree("""
            sweep:
              grid: { train.epochs: [] }
              random:
                samples: 2
                params:
                  train.optimizer.lr: { loguniform: [0.0, 1.0] }
                  seed: { int: [5, 1] }
                  masking.kind: { choise: [block] }
                  train.optimizer.min_lr: { uniform: [1.0] }
            """)).Select(e => e.ToString()).ToList();
        Assert.Contains(errors, e => e.StartsWith("sweep.yaml:8:25: sweep.grid.train.epochs must be a non-empty list", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sweep.yaml:12:41: sweep.random.params.train.optimizer.lr.loguniform bounds must be positive", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sweep.yaml:13:20: sweep.random.params.seed.int must be [low, high]", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sweep.yaml:14:23: sweep.random.params.masking.kind: unknown distribution 'choise'", StringComparison.Ordinal) && e.Contains("choice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sweep.yaml:15:42: sweep.random.params.train.optimizer.min_lr.uniform must be [low, high]", StringComparison.Ordinal));
        Assert.Throws<SpecException>(() => SweepExpander.Expand(Tree("sweep: { grid: { seed: [] } }")));
    }
}
