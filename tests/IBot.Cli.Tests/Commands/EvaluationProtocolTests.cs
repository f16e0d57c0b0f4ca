using System.Security.Cryptography;
using System.Text.Json;
using IBot.Cli.Infrastructure;
using SixLabors.ImageSharp;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

public sealed class EvaluationProtocolTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cli-protocols-").FullName;

    private static readonly string Spec = TinySpecs.Training("tiny protocols", (32, 40, 20),
    [
        "{ kind: linear, last_blocks: 2, epochs: 2, batch_size: 16, lr: [0.01, 0.1], augment: false, every: 1 }",
        "{ kind: finetune, epochs: 1, batch_size: 16, warmup_epochs: 0, labels: 50%, network: student }",
    ], depth: 2);

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task A_run_records_what_every_evaluation_measured_and_draws_its_curves()
    {
        var spec = Path.Combine(dir, "protocols.yaml");
        await File.WriteAllTextAsync(spec, Spec);
        var workspace = Path.Combine(dir, "ws");
        var console = new TestConsole().Width(300);
        Assert.True(await CliApp.RunAsync(console, ["run", spec, "--workspace", workspace, "--device", "cpu", "--json"], catalog: () => Catalog.Create([])) == 0, console.Output);
        using var result = JsonDocument.Parse(console.Output);
        var runId = result.RootElement.GetProperty("run_id").GetString()!;
        var metrics = result.RootElement.GetProperty("metrics");
        foreach (var name in new[] { "linear_top1", "linear_best_lr", "finetune_top1", "init_linear_top1", "init_finetune_top1" })
            Assert.True(metrics.TryGetProperty(name, out _), name);
        var folder = Path.Combine(workspace, runId);

        var records = File.ReadAllLines(Path.Combine(folder, "evaluations.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["linear@0", "finetune@0", "linear@1", "linear@2", "finetune@2"],
            records.Select(r => $"{r.GetProperty("evaluator").GetString()}@{r.GetProperty("epoch").GetInt32()}"));
        Assert.All(records, r => Assert.Equal(runId, r.GetProperty("run").GetString()));
        Assert.Equal(JsonValueKind.Null, records[0].GetProperty("checkpoint").ValueKind); // initialisation: no file holds it
        var last = records[^1];
        Assert.Equal("finetune", last.GetProperty("kind").GetString());
        Assert.Equal("student", last.GetProperty("network").GetString());
        Assert.Equal("50%", last.GetProperty("options").GetProperty("labels").GetString());
        Assert.Equal(0.75, last.GetProperty("options").GetProperty("layer_decay").GetDouble()); // defaults are recorded too
        var checkpoint = Path.Combine(folder, "checkpoints", "checkpoint.safetensors");
        Assert.Equal(Path.GetFullPath(checkpoint), last.GetProperty("checkpoint").GetProperty("path").GetString());
        Assert.Equal(Sha256(checkpoint), last.GetProperty("checkpoint").GetProperty("sha256").GetString());
        Assert.Equal(2, last.GetProperty("checkpoint").GetProperty("epoch").GetInt32());
        // After epoch 1 the file held other weights: its hash then differs from the final one.
        Assert.NotEqual(records[2].GetProperty("checkpoint").GetProperty("sha256").GetString(), last.GetProperty("checkpoint").GetProperty("sha256").GetString());
        Assert.Equal(metrics.GetProperty("finetune_top1").GetDouble(), last.GetProperty("metrics").GetProperty("top1").GetDouble());

        var curves = Path.Combine(folder, "figures", "curves.png");
        Assert.Equal((1200, 800), (Image.Identify(curves).Width, Image.Identify(curves).Height));
        File.Delete(curves);
        var plot = new TestConsole().Width(300);
        Assert.Equal(0, await CliApp.RunAsync(plot, ["plot", runId, "--workspace", workspace], catalog: () => Catalog.Create([])));
        Assert.Contains("curves.png", plot.Output);
        Assert.True(File.Exists(curves));

        // Evaluation only, from the run id: the record names the checkpoint file it read.
        var evalSpec = Path.Combine(dir, "eval.yaml");
        await File.WriteAllTextAsync(evalSpec, $$"""
            name: eval protocols
            data:
              eval_train: { kind: synthetic, count: 40, classes: 4, width: 24, height: 24, seed: 2 }
              eval_test: { kind: synthetic, count: 20, classes: 4, width: 24, height: 24, seed: 3 }
            backbone: { kind: vit, patch_size: 4, embed_dim: 32, depth: 2, num_heads: 2, weights: {{runId}} }
            evaluate:
              - { kind: linear, last_blocks: 1, pool: cls_avgpool, epochs: 2, batch_size: 16, lr: [0.1], augment: true, labels: 5 }
            """);
        var evalConsole = new TestConsole().Width(300);
        Assert.True(await CliApp.RunAsync(evalConsole, ["run", evalSpec, "--workspace", workspace, "--json"], catalog: () => Catalog.Create([])) == 0, evalConsole.Output);
        using var evaluation = JsonDocument.Parse(evalConsole.Output);
        var evalFolder = evaluation.RootElement.GetProperty("folder").GetString()!;
        var record = JsonDocument.Parse(File.ReadAllLines(Path.Combine(evalFolder, "evaluations.jsonl")).Single()).RootElement;
        Assert.Equal(Path.GetFullPath(checkpoint), record.GetProperty("checkpoint").GetProperty("path").GetString());
        Assert.Equal(Sha256(checkpoint), record.GetProperty("checkpoint").GetProperty("sha256").GetString());
        Assert.Equal("teacher", record.GetProperty("network").GetString());
        Assert.Equal("cls_avgpool", record.GetProperty("options").GetProperty("pool").GetString());
    }

    [Fact]
    public async Task Validate_rejects_an_ambiguous_label_fraction_with_its_position()
    {
        var spec = Path.Combine(dir, "bad.yaml");
        await File.WriteAllTextAsync(spec, Spec.Replace("labels: 50%", "labels: 0.1"));
        var console = new TestConsole().Width(300);
        Assert.Equal(2, await CliApp.RunAsync(console, ["validate", spec], catalog: () => Catalog.Create([])));
        Assert.Contains("bad.yaml:24:", console.Output);
        Assert.Contains("labels: '0.1' is ambiguous", console.Output);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
