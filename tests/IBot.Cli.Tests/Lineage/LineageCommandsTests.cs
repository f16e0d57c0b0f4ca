using System.Text.Json;
using IBot.Cli.Infrastructure;
using IBot.Cli.Tests.Commands;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Lineage;

/// <summary>ibot run records lineage; ibot runs / show / lineage / compare find it; --reuse skips
/// an evaluation whose inputs match a finished one; bad input exits 2.</summary>
public sealed class LineageCommandsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cli-lineage-").FullName;
    private string Workspace => Path.Combine(dir, "ws");

    private async Task<(int Code, string Output)> Ibot(params string[] args)
    {
        var console = new TestConsole().Width(400);
        var code = await CliApp.RunAsync(console, [.. args, "--workspace", Workspace], catalog: () => Catalog.Create([]));
        return (code, console.Output);
    }

    private static readonly string TinySpec = TinySpecs.Training("tiny lineage", (16, 24, 12), ["{ kind: knn, k: [5] }"], epochs: 1, logEvery: 1);

    [Fact]
    public async Task A_run_and_an_evaluation_of_its_checkpoint_are_found_traced_compared_and_reused()
    {
        var spec = Path.Combine(dir, "tiny.yaml");
        await File.WriteAllTextAsync(spec, TinySpec);
        var (code, output) = await Ibot("run", spec, "--device", "cpu", "--json");
        Assert.True(code == 0, output);
        var train = JsonDocument.Parse(output).RootElement.GetProperty("run_id").GetString()!;

        var evalSpec = Path.Combine(dir, "eval.yaml");
        await File.WriteAllTextAsync(evalSpec, $$"""
            name: tiny eval
            data:
              eval_train: { kind: synthetic, count: 24, classes: 4, width: 24, height: 24, seed: 2 }
              eval_test: { kind: synthetic, count: 12, classes: 4, width: 24, height: 24, seed: 3 }
            backbone: { kind: vit, patch_size: 4, embed_dim: 32, depth: 1, num_heads: 2, weights: {{train}} }
            evaluate:
              - { kind: knn, k: [5] }
            """);
        (code, output) = await Ibot("run", evalSpec, "--json", "--reuse");
        Assert.True(code == 0, output);
        var evaluation = JsonDocument.Parse(output).RootElement;
        var evalRun = evaluation.GetProperty("run_id").GetString()!;
        Assert.False(evaluation.TryGetProperty("reused", out _));

        // Same evaluate section, same checkpoint bytes: --reuse returns the earlier result and runs nothing.
        (code, output) = await Ibot("run", evalSpec, "--json", "--reuse");
        Assert.True(code == 0, output);
        var reused = JsonDocument.Parse(output).RootElement;
        Assert.True(reused.GetProperty("reused").GetBoolean());
        Assert.Equal(evalRun, reused.GetProperty("run_id").GetString());
        Assert.Equal(evaluation.GetProperty("metrics").GetProperty("knn_top1").GetDouble(), reused.GetProperty("metrics").GetProperty("knn_top1").GetDouble());
        Assert.Equal(2, Directory.GetDirectories(Workspace).Length);

        // runs: both, filtered and sorted.
        (code, output) = await Ibot("runs", "--where", "kind = 'training' and params.train.epochs = 1 and metrics.knn_top1 >= 0", "--json");
        Assert.True(code == 0, output);
        var listed = JsonDocument.Parse(output).RootElement;
        Assert.Equal(1, listed.GetProperty("matched").GetInt32());
        var run = listed.GetProperty("runs")[0];
        Assert.Equal(train, run.GetProperty("id").GetString());
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.True(run.GetProperty("metrics").TryGetProperty("loss", out _));
        (code, output) = await Ibot("runs", "--sort", "created desc");
        Assert.True(code == 0, output);
        Assert.Contains("2 of 2 matching runs", output);
        Assert.True(output.IndexOf(evalRun, StringComparison.Ordinal) < output.IndexOf(train, StringComparison.Ordinal), output);

        // show: status history, params, the checkpoint with its hash, environment.
        (code, output) = await Ibot("show", train, "--json");
        Assert.True(code == 0, output);
        var shown = JsonDocument.Parse(output).RootElement;
        Assert.Equal(["running", "completed"], shown.GetProperty("run").GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
        Assert.Equal(8, shown.GetProperty("run").GetProperty("params").GetProperty("train.batch_size").GetDouble());
        var checkpoint = Assert.Single(shown.GetProperty("artifacts").EnumerateArray());
        var sha = checkpoint.GetProperty("sha256").GetString()!;
        Assert.Equal(Pipeline.Lineage.Recording.FileHashes.Sha256(Path.Combine(Workspace, train, "checkpoints", "checkpoint.safetensors")), sha);
        Assert.Equal(3, shown.GetProperty("datasets").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(shown.GetProperty("run").GetProperty("environment").GetProperty("torch_sharp").GetString()));
        (code, output) = await Ibot("show", train);
        Assert.True(code == 0, output);
        Assert.Contains("train.optimizer.warmup_epochs", output);

        // lineage, by checkpoint hash prefix: the training run behind it, and the evaluation-only run's result after it.
        (code, output) = await Ibot("lineage", sha[..10], "--json");
        Assert.True(code == 0, output);
        var tree = JsonDocument.Parse(output).RootElement;
        Assert.Equal(train, tree.GetProperty("ancestors").GetProperty("children")[0].GetProperty("id").GetString());
        var evaluations = tree.GetProperty("descendants").GetProperty("children").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.Contains($"eval:{evalRun}/knn@0", evaluations);
        Assert.Contains($"eval:{train}/knn@1", evaluations);
        (code, output) = await Ibot("lineage", evalRun);
        Assert.True(code == 0, output);
        Assert.Contains("came from", output);
        Assert.Contains("configures", output);
        Assert.Contains("knn_top1 = ", output);

        // compare: different specs, metric rows for both.
        (code, output) = await Ibot("compare", train, evalRun, "--json");
        Assert.True(code == 0, output);
        var diff = JsonDocument.Parse(output).RootElement;
        Assert.False(diff.GetProperty("same_spec").GetBoolean());
        Assert.Contains(diff.GetProperty("params").EnumerateArray(), p => p.GetProperty("key").GetString() == "train.epochs" && p.GetProperty("b").ValueKind == JsonValueKind.Null);

        // export: JSON lines of everything.
        var export = Path.Combine(dir, "lineage.jsonl");
        (code, output) = await Ibot("lineage", "--export", export);
        Assert.True(code == 0, output);
        var lines = await File.ReadAllLinesAsync(export);
        Assert.Contains(lines, l => l.Contains("\"collection\":\"runs\"") && l.Contains(train));
        Assert.All(lines, l => JsonDocument.Parse(l));

        // export to standard output, written as Unix tools take it: '--export -' (and '--export=-').
        foreach (var dash in new[] { new[] { "--export", "-" }, new[] { "--export=-" } })
        {
            (code, output) = await Ibot(["lineage", .. dash]);
            Assert.True(code == 0, output);
            var printed = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(lines.Length, printed.Length);
            Assert.Contains(printed, l => l.Contains("\"collection\":\"runs\"") && l.Contains(train));
        }
    }

    [Theory]
    [InlineData(new[] { "runs", "--where", "metrics.knn_top1 > > 3" }, "column 20: expected a value after '>'")]
    [InlineData(new[] { "runs", "--where", "(status = 'completed'" }, "column 22: expected ')'")]
    [InlineData(new[] { "runs", "--sort", "bogus" }, "--sort: column 1: unknown field 'bogus'")]
    [InlineData(new[] { "show", "nope" }, "no run 'nope'")]
    [InlineData(new[] { "compare", "a" }, "error:")]
    [InlineData(new[] { "lineage" }, "give an ID")]
    public async Task Bad_input_exits_2_with_one_line_naming_the_problem(string[] args, string message)
    {
        var (code, output) = await Ibot(args);
        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public async Task A_query_error_points_at_its_column()
    {
        var (code, output) = await Ibot("runs", "--where", "name = 'x' and and");
        Assert.Equal(2, code);
        var lines = output.Split('\n');
        var text = Array.FindIndex(lines, l => l.Contains("name = 'x' and and"));
        Assert.Equal(17, lines[text + 1].IndexOf('^'));   // two spaces of indent + column 16
    }

    [Fact]
    public async Task A_damaged_database_is_reported_and_kept()
    {
        Directory.CreateDirectory(Workspace);
        var db = Path.Combine(Workspace, "lineage.db");
        await File.WriteAllTextAsync(db, new string('x', 20000));
        var (code, output) = await Ibot("runs");
        Assert.Equal(2, code);
        Assert.Contains("damaged or not a lineage database", output);
        Assert.Equal(new string('x', 20000), await File.ReadAllTextAsync(db));
    }

    [Fact]
    public async Task Runs_on_an_empty_workspace_lists_nothing()
    {
        var (code, output) = await Ibot("runs", "--where", "metrics.knn_top1 > 1");
        Assert.True(code == 0, output);
        Assert.Contains("0 of 0 matching runs", output);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
