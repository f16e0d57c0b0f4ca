using CsCheck;
using IBot.Pipeline.Specs;
using IBot.Pipeline.Tests.Specs;
using Xunit.Abstractions;

namespace IBot.Pipeline.Tests.Fuzz;

/// <summary><c>--set path=value</c> with random paths (known keys, list indexes, garbage, empty
/// segments, no '=') and random YAML values, applied to a valid spec and validated as
/// <c>ibot validate --set</c> does: SpecErrors only, each at <c>--set #n</c>.</summary>
[Trait("Category", "Fuzz")]
public sealed class SpecOverrideFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-set-fuzz-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly Gen<string> Segment = Gen.OneOf(
        Gen.OneOf("name", "seed", "data", "train", "eval_train", "backbone", "patch_size", "heads", "main", "out_dim", "objectives", "evaluate", "k",
            "optimizer", "lr", "weight_decay", "sweep", "grid", "random", "params", "samples", "schedule", "resources", "gpus", "kind", "extends"),
        Gen.OneOf("0", "1", "-1", "99999999999", "", " ", "x y", "é", "\0", "=", "[0]", "*", "'"),
        Gen.String[0, 6]);

    private static readonly Gen<string> Value = Gen.OneOf(
        SpecInputs.Document,
        Gen.OneOf("", "~", "1e999", "-0", "[", "{", "'", "\"", "[1, 2", "{a: 1", "&a [*a]", "!!binary AAAA", "\t", "a: b: c", "- x\n- y", "\uFEFF1", "2147483648"),
        Gen.String[0, 20]);

    private static readonly Gen<string[]> Overrides =
        Gen.Select(Segment.Array[1, 5], Gen.Int[0, 4], Value, (path, form, value) => form switch
        {
            0 => string.Join('.', path),
            1 => string.Join('.', path) + "==" + value,
            2 => "=" + value,
            _ => string.Join('.', path) + "=" + value,
        }).Array[1, 4];

    [Fact]
    public void Random_overrides_of_a_valid_spec()
    {
        var spec = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(spec, $$"""
            name: t
            data:
              train: { kind: folder, path: {{dir}} }
              eval_train: { kind: folder, path: {{dir}} }
              eval_test: { kind: folder, path: {{dir}} }
            augmentation: { kind: crops, global_size: 32, local_size: 16 }
            backbone: { kind: net, patch_size: 4 }
            heads:
              main: { kind: head, out_dim: 64 }
            objectives:
              - { kind: loss, head: main }
            train: { epochs: 2, batch_size: 8, optimizer: { lr: 1.0e-3, warmup_epochs: 1, weight_decay: [0.04, 0.4] } }
            evaluate:
              - { kind: probe, k: [10, 20] }
            sweep:
              grid: { train.optimizer.lr: [1.0e-3, 2.0e-3] }
            """);
        var validator = new SpecValidator(TestCatalog.Create());
        validator.Validate(spec);
        var ran = FuzzRunner.Check("--set", 4, Overrides, sets => SpecProperty.Holds(() =>
        {
            var resolved = validator.Validate(spec, sets);
            SweepExpander.Expand(resolved.Tree);
        }), suiteIterations: 600, print: sets => string.Join(" ", sets.Select(s => "--set " + FuzzRunner.Describe(s))));
        output.WriteLine($"{ran} override sets");
    }
}
