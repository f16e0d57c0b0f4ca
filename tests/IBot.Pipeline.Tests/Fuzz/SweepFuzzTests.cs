using CsCheck;
using IBot.Pipeline.Specs;
using IBot.Pipeline.Tests.Specs;
using Xunit.Abstractions;

namespace IBot.Pipeline.Tests.Fuzz;

/// <summary><c>sweep</c> sections with garbage: grids over real and made-up keys with lists of any
/// length and type, random searches with odd sample counts, seeds and distributions (reversed,
/// infinite, 64-bit extreme bounds). Validation, expansion and the validation of every run, as
/// <c>ibot submit</c> does them, end in bounds with SpecErrors only.</summary>
[Trait("Category", "Fuzz")]
public sealed class SweepFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-sweep-fuzz-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly Gen<string> Key = Gen.OneOf(
        "train.optimizer.lr", "train.epochs", "seed", "backbone.patch_size", "heads.main.out_dim", "objectives.0.head", "evaluate.0.k",
        "name", "sweep.grid.x", "\"\"", "a..b", "train.optimizer.lr.0", "train.optimizer.weight_decay.1", "data.train.path", "schedule", "'x y'", "train.optimizer");

    private static readonly Gen<string> Atom = Gen.OneOf(
        "1", "2", "2.5e-4", "-1", "0", "x", "[1, 2]", "[0.1, 0.5]", "{a: 1}", "~", "1e999", ".nan", "true", "''", "9223372036854775807", "[]", "{kind: loss, head: main}");

    private static readonly Gen<string> Grid = Gen.OneOf(
        Gen.Select(Key, Atom.Array[0, 12], (k, v) => $"{k}: [{string.Join(", ", v)}]").Array[0, 6].Select(e => "{" + string.Join(", ", e) + "}"),
        Gen.OneOf("~", "[1, 2]", "3", "{}", "{seed: 3}", "{seed: []}"));

    private static readonly Gen<string> Bound = Gen.OneOf(
        "0", "1", "-1", "1.0e-4", "2.0e-3", "1e308", "-1e308", "1e999", ".inf", "-.inf", ".nan", "9223372036854775807", "-9223372036854775808", "2147483648", "x", "~", "[1]");

    private static readonly Gen<string> Distribution = Gen.OneOf(
        Gen.Select(Gen.OneOf("uniform", "loguniform", "int", "choice", "normal", "Uniform"), Bound.Array[0, 3], (d, b) => $"{{{d}: [{string.Join(", ", b)}]}}"),
        Gen.OneOf("{}", "[]", "1", "~", "{uniform: [0, 1], int: [0, 1]}", "{choice: []}", "{choice: [block, random]}"));

    private static readonly Gen<string> Random = Gen.Select(
        Gen.OneOf("0", "1", "3", "100000", "100001", "-5", "1e3", "x", "99999999999999999999", "~"),
        Gen.OneOf("0", "-1", "7", "9223372036854775807", "-9223372036854775808", "x", "1.5"),
        Gen.Select(Key, Distribution, (k, d) => $"{k}: {d}").Array[0, 4],
        (samples, seed, ps) => $"{{samples: {samples}, seed: {seed}, params: {{{string.Join(", ", ps)}}}}}");

    private static readonly Gen<string> Sweep = Gen.Select(Grid.Null(), Random.Null(), Gen.Int[0, 9], (grid, random, odd) => odd switch
    {
        0 => "sweep: ~",
        1 => "sweep: [grid]",
        2 => "sweep: {grid: " + (grid ?? "{}") + ", extra: 1}",
        _ => "sweep:" + (grid is null ? "" : "\n  grid: " + grid) + (random is null ? "" : "\n  random: " + random),
    });

    [Fact]
    public void Garbage_sweeps_validate_expand_and_validate_every_run()
    {
        var validator = new SpecValidator(TestCatalog.Create());
        var baseSpec = $$"""
            name: t
            data:
              train: { kind: folder, path: {{dir}} }
            augmentation: { kind: crops, global_size: 32, local_size: 16 }
            backbone: { kind: net, patch_size: 4 }
            heads:
              main: { kind: head, out_dim: 64 }
            objectives:
              - { kind: loss, head: main }
            train: { epochs: 2, batch_size: 8, optimizer: { lr: 1.0e-3, warmup_epochs: 1 } }

            """;
        var expanded = 0;
        var ran = FuzzRunner.Check("sweeps", 5, Sweep, sweep => SpecProperty.Holds(() =>
        {
            var tree = SpecComposer.Parse(baseSpec + sweep + "\n", SpecProperty.File);
            validator.Validate(tree, SpecProperty.File);
            var points = SweepExpander.Expand(tree);
            Interlocked.Add(ref expanded, points.Count);
            foreach (var point in points.Take(200)) validator.Validate(point.Tree, SpecProperty.File);
        }), suiteIterations: 2000);
        output.WriteLine($"{ran} sweeps, {expanded} runs expanded");
    }
}
