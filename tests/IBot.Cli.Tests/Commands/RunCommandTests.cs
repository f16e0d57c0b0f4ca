using System.Text.Json;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Lineage.Graph;
using IBot.Pipeline.Lineage.Lite;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Recording;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Models;
using Spectre.Console.Testing;
using static TorchSharp.torch;

namespace IBot.Cli.Tests.Commands;

public sealed class RunCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cli-run-").FullName;

    private static readonly string TinySpec = TinySpecs.Training("tiny cli", (32, 40, 20), ["{ kind: knn, k: [5] }"]);

    [Fact]
    public async Task Run_trains_checkpoints_reports_json_and_exports_a_loadable_backbone()
    {
        var spec = Path.Combine(dir, "tiny.yaml");
        await File.WriteAllTextAsync(spec, TinySpec);
        var workspace = Path.Combine(dir, "ws");
        var console = new TestConsole().Width(300);
        var readsBefore = FileDigests.Reads;
        var code = await CliApp.RunAsync(console, ["run", spec, "--workspace", workspace, "--device", "cpu", "--json"], catalog: () => Catalog.Create([]));
        Assert.True(code == 0, console.Output);
        var fileReads = FileDigests.Reads - readsBefore;
        using var result = JsonDocument.Parse(console.Output);
        var runId = result.RootElement.GetProperty("run_id").GetString()!;
        Assert.Equal("completed", result.RootElement.GetProperty("status").GetString());
        Assert.True(result.RootElement.GetProperty("metrics").GetProperty("knn_top1").GetDouble() >= 0);
        var folder = Path.Combine(workspace, runId);
        Assert.True(File.Exists(Path.Combine(folder, "spec.yaml")));
        Assert.True(File.Exists(Path.Combine(folder, "checkpoints", "checkpoint.safetensors")));

        var exported = Path.Combine(dir, "teacher.safetensors");
        var exportConsole = new TestConsole().Width(300);
        Assert.Equal(0, await CliApp.RunAsync(exportConsole, ["export", runId, "--out", exported, "--workspace", workspace], catalog: () => Catalog.Create([])));

        // Read back: the same outputs as the checkpoint's teacher backbone.
        var options = new VitOptions(ImgSize: 16, PatchSize: 4, EmbedDim: 32, Depth: 1, NumHeads: 2);
        using var fromExport = new VisionTransformer(options);
        using var file = SafeTensors.Load(exported);
        StateDicts.Load(fromExport, file.Tensors);
        using var fromCheckpoint = new VisionTransformer(options);
        using var checkpoint = SafeTensors.Load(Path.Combine(folder, "checkpoints", "checkpoint.safetensors"));
        StateDicts.Load(fromCheckpoint, checkpoint.WithPrefix("teacher.backbone."));
        fromExport.eval();
        fromCheckpoint.eval();
        using (no_grad())
        {
            var images = randn(3, 3, 16, 16);
            Assert.True(fromExport.Forward(images, null).eq(fromCheckpoint.Forward(images, null)).all().item<bool>());
        }

        // An evaluation-only spec on the exported weights reproduces the run's final k-NN.
        var evalSpec = Path.Combine(dir, "eval.yaml");
        await File.WriteAllTextAsync(evalSpec, $$"""
            name: eval tiny
            data:
              eval_train: { kind: synthetic, count: 40, classes: 4, width: 24, height: 24, seed: 2 }
              eval_test: { kind: synthetic, count: 20, classes: 4, width: 24, height: 24, seed: 3 }
            backbone: { kind: vit, patch_size: 4, embed_dim: 32, depth: 1, num_heads: 2, weights: {{exported}} }
            evaluate:
              - { kind: knn, k: [5] }
            """);
        var evalConsole = new TestConsole().Width(300);
        Assert.Equal(0, await CliApp.RunAsync(evalConsole, ["run", evalSpec, "--workspace", workspace, "--json"], catalog: () => Catalog.Create([])));
        using var evaluation = JsonDocument.Parse(evalConsole.Output);
        Assert.Equal(result.RootElement.GetProperty("metrics").GetProperty("knn_top1").GetDouble(),
            evaluation.RootElement.GetProperty("metrics").GetProperty("knn_top1").GetDouble());

        // Lineage: the exported file is derived from the run's checkpoint, so its evaluation traces back to the run.
        var store = new LiteLineageStore(Path.Combine(workspace, "lineage.db"));
        // Each checkpoint version was hashed once, for lineage and evaluations.jsonl together.
        var checkpoints = store.RelationsFrom(runId).Count(r => r.Kind == RelationKinds.Produces);
        Assert.True(checkpoints >= 2, $"{checkpoints} checkpoints recorded");
        Assert.Equal(checkpoints, fileReads);
        var export = store.FindArtifactBySha256(FileHashes.Sha256(exported))!;
        Assert.Equal("export", export.Kind);
        Assert.Equal(runId, export.ProducedBy);
        var evaluationId = EvaluationRecord.IdOf(evaluation.RootElement.GetProperty("run_id").GetString()!, "knn", 0);
        Assert.Contains(store.RelationsFrom(export.Id), r => r.Kind == RelationKinds.EvaluatedBy && r.To == evaluationId);
        static IEnumerable<LineageNode> All(LineageNode n) => n.Children.SelectMany(All).Prepend(n);
        Assert.Contains(All(new LineageGraph(store).Ancestors(evaluationId)), n => n.Id == runId && !n.Repeated);
    }

    [Fact]
    public async Task Resume_continues_a_run_from_its_saved_spec_and_checkpoint()
    {
        var spec = Path.Combine(dir, "resume.yaml");
        await File.WriteAllTextAsync(spec, TinySpec.Replace("epochs: 2", "epochs: 1"));
        var workspace = Path.Combine(dir, "ws-resume");
        var console = new TestConsole().Width(300);
        Assert.Equal(0, await CliApp.RunAsync(console, ["run", spec, "--workspace", workspace, "--json"], catalog: () => Catalog.Create([])));
        using var first = JsonDocument.Parse(console.Output);
        var runId = first.RootElement.GetProperty("run_id").GetString()!;

        var again = new TestConsole().Width(300);
        Assert.Equal(0, await CliApp.RunAsync(again, ["run", "--resume", runId, "--workspace", workspace, "--json"], catalog: () => Catalog.Create([])));
        using var second = JsonDocument.Parse(again.Output);
        Assert.Equal(runId, second.RootElement.GetProperty("run_id").GetString());
        Assert.Equal("completed", second.RootElement.GetProperty("status").GetString());
        Assert.Equal(first.RootElement.GetProperty("metrics").GetProperty("knn_top1").GetDouble(),
            second.RootElement.GetProperty("metrics").GetProperty("knn_top1").GetDouble());
        Assert.Contains("resumed from", await File.ReadAllTextAsync(Path.Combine(workspace, runId, "run.log")));
        var store = new LiteLineageStore(Path.Combine(workspace, "lineage.db"));
        var recorded = store.GetRun(runId)!;
        Assert.Equal([RunState.Running, RunState.Completed, RunState.Running, RunState.Completed], recorded.History.Select(h => h.Status));
        Assert.Equal("resumed after epoch 1", recorded.History[2].Reason);
        var resumedFrom = Assert.Single(store.RelationsTo(runId), r => r.Kind == RelationKinds.Resumes);
        Assert.Equal(runId, store.GetArtifact(resumedFrom.From)!.ProducedBy);
    }

    [Fact]
    public async Task Run_rejects_an_invalid_spec_with_exit_code_2()
    {
        var spec = Path.Combine(dir, "bad.yaml");
        await File.WriteAllTextAsync(spec, TinySpec.Replace("epochs: 2", "epochs: -2"));
        var console = new TestConsole().Width(300);
        Assert.Equal(2, await CliApp.RunAsync(console, ["run", spec, "--workspace", dir], catalog: () => Catalog.Create([])));
        Assert.Contains("bad.yaml:18:11: train.epochs = -2 is out of range", console.Output);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
