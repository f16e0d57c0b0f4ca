using System.Text.Json;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Model;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

/// <summary>
/// specs/quickstart-swin.yaml, shrunk by --set to seconds, with the solution's plugins (Swin backbone,
/// KoLeo objective) discovered in plugins/: it trains with both loss terms, records them in lineage,
/// checkpoints, resumes exactly after a stop inside an epoch, evaluates, exports, and the export
/// evaluates to the same k-NN.
/// </summary>
public sealed class SwinQuickstartTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-swin-").FullName;

    private static readonly string[] Tiny =
    [
        "--set", "data.train.limit=64", "--set", "data.eval_train.limit=100", "--set", "data.eval_test.limit=50",
        "--set", "backbone.embed_dim=8", "--set", "backbone.depths=[1,1]", "--set", "backbone.num_heads=[1,2]", "--set", "backbone.window_size=2",
        "--set", "heads.ibot.out_dim=64", "--set", "heads.ibot.hidden_dim=64", "--set", "heads.ibot.bottleneck_dim=16",
        "--set", "train.batch_size=8", "--set", "train.log_every=1", "--set", "augmentation.global_crops.size=16", "--set", "augmentation.local_crops.size=8",
    ];

    /// <summary>Iterations per epoch: 64 images in batches of 8. An epoch this long leaves the stop (the test watches metrics.jsonl
    /// and cancels) room to land inside the second epoch; with 4 iterations the run sometimes finished it first.</summary>
    private const int PerEpoch = 8;

    private static string Spec => Path.Combine(SpecCommandTests.RepoRoot, "specs", "quickstart-swin.yaml");

    private static Func<IBot.Pipeline.Components.ComponentCatalog> Plugins => () => Catalog.Create([Path.Combine(SpecCommandTests.RepoRoot, "plugins")]);

    private static List<JsonElement> Steps(string folder) => File.ReadLines(Path.Combine(folder, "metrics.jsonl"))
        .Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("type").GetString() == "step").ToList();

    [Fact]
    public async Task Trains_with_both_plugins_resumes_exactly_and_its_export_evaluates_the_same()
    {
        var workspace = Path.Combine(dir, "ws");
        var console = new TestConsole().Width(300);
        Assert.True(await CliApp.RunAsync(console, ["run", Spec, .. Tiny, "--workspace", workspace, "--json"], catalog: Plugins) == 0, console.Output);
        using var whole = JsonDocument.Parse(console.Output);
        var wholeId = whole.RootElement.GetProperty("run_id").GetString()!;
        var wholeSteps = Steps(Path.Combine(workspace, wholeId));
        Assert.Equal(2 * PerEpoch, wholeSteps.Count); // 2 epochs x 8 iterations
        Assert.All(wholeSteps, s => Assert.True(s.TryGetProperty("loss_koleo", out _) && s.TryGetProperty("loss_ibot_loss_patch", out _)));
        Assert.True(File.Exists(Path.Combine(workspace, wholeId, "figures", "attention-epoch2.png")));
        var store = LineageStores.Open(new Workspace(workspace));
        Assert.Contains("loss_koleo", store.GetRun(wholeId)!.Metrics.Keys);
        Assert.Contains("loss_ibot_loss_cls", store.GetRun(wholeId)!.Metrics.Keys);

        // The same run stopped inside its second epoch, then resumed: the same losses from there on.
        using var stop = new CancellationTokenSource();
        var stopped = new TestConsole().Width(300);
        var running = Task.Run(() => CliApp.RunAsync(stopped, ["run", Spec, .. Tiny, "--workspace", workspace, "--json"], stop.Token, Plugins));
        string? folder = null;
        while (!running.IsCompleted)
        {
            folder ??= Directory.EnumerateDirectories(workspace).FirstOrDefault(d => d != Path.Combine(workspace, wholeId));
            if (folder is not null && File.Exists(Path.Combine(folder, "metrics.jsonl")) && Steps(folder).Any(s => s.GetProperty("iteration").GetInt64() >= PerEpoch))
                stop.Cancel();
            await Task.Delay(20);
        }
        Assert.Equal(1, await running);
        using var cancelled = JsonDocument.Parse(stopped.Output);
        Assert.Equal("cancelled", cancelled.RootElement.GetProperty("status").GetString());
        var runId = cancelled.RootElement.GetProperty("run_id").GetString()!;
        var done = Steps(Path.Combine(workspace, runId)).Max(s => s.GetProperty("iteration").GetInt64());
        Assert.InRange(done, PerEpoch, 2 * PerEpoch - 2); // stopped inside epoch 2, before its last step

        var resumed = new TestConsole().Width(300);
        Assert.True(await CliApp.RunAsync(resumed, ["run", "--resume", runId, "--workspace", workspace, "--json"], catalog: Plugins) == 0, resumed.Output);
        var after = Steps(Path.Combine(workspace, runId)).Where(s => s.GetProperty("iteration").GetInt64() > done).ToList();
        Assert.NotEmpty(after);
        foreach (var s in after)
        {
            var reference = wholeSteps.Single(w => w.GetProperty("iteration").GetInt64() == s.GetProperty("iteration").GetInt64());
            foreach (var key in new[] { "loss", "loss_ibot_loss", "loss_koleo" })
                Assert.Equal(reference.GetProperty(key).GetDouble(), s.GetProperty(key).GetDouble(), 1e-5);
        }
        using var final = JsonDocument.Parse(resumed.Output);
        Assert.Equal(whole.RootElement.GetProperty("metrics").GetProperty("knn_top1").GetDouble(), final.RootElement.GetProperty("metrics").GetProperty("knn_top1").GetDouble());
        // Lineage links the run to the mid-epoch checkpoint it resumed from.
        Assert.Contains(store.RelationsTo(runId), r => r.Kind == RelationKinds.Resumes);

        // The export evaluates to the run's k-NN in an evaluation-only spec.
        var exported = Path.Combine(dir, "swin-teacher.safetensors");
        Assert.Equal(0, await CliApp.RunAsync(new TestConsole(), ["export", runId, "--out", exported, "--workspace", workspace], catalog: Plugins));
        var evalSpec = Path.Combine(dir, "eval-swin.yaml");
        await File.WriteAllTextAsync(evalSpec, $$"""
            name: eval swin
            data:
              eval_train: { kind: fashion_mnist_sample, split: train, limit: 100 }
              eval_test: { kind: fashion_mnist_sample, split: test, limit: 50 }
            backbone: { kind: swin, patch_size: 2, embed_dim: 8, depths: [1, 1], num_heads: [1, 2], window_size: 2, image_size: 16, weights: {{exported}} }
            evaluate:
              - { kind: knn, k: [20], temperature: 0.07 }
            """);
        var evaluation = new TestConsole().Width(300);
        Assert.True(await CliApp.RunAsync(evaluation, ["run", evalSpec, "--workspace", workspace, "--json"], catalog: Plugins) == 0, evaluation.Output);
        using var measured = JsonDocument.Parse(evaluation.Output);
        Assert.Equal(final.RootElement.GetProperty("metrics").GetProperty("knn_top1").GetDouble(), measured.RootElement.GetProperty("metrics").GetProperty("knn_top1").GetDouble());
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
