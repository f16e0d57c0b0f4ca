using System.Text.Json;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Lineage.Lite;
using IBot.Pipeline.Lineage.Model;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

/// <summary>A run stopped at any point (SIGTERM from ibot serve, Ctrl+C, ibot cancel) ends cancelled
/// with its <c>status</c> file, which the service reads to requeue it rather than count it as crashed;
/// resumed from a checkpoint made in the middle of an epoch, lineage links the run to that checkpoint.</summary>
public sealed class RunStopTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cli-stop-").FullName;

    private string Workspace => Path.Combine(dir, "ws");

    private string Spec(int images)
    {
        var path = Path.Combine(dir, "tiny.yaml");
        File.WriteAllText(path, TinySpecs.Training("tiny stop", (images, 200, 40), ["{ kind: knn, k: [5] }"], epochs: 1, logEvery: 1));
        return path;
    }

    private async Task<(int Code, JsonElement Result)> Ibot(CancellationToken stop, params string[] args)
    {
        var console = new TestConsole().Width(400);
        var code = await Task.Run(() => CliApp.RunAsync(console, [.. args, "--workspace", Workspace, "--json"], stop, catalog: () => Catalog.Create([]), error: new TestConsole()));
        using var json = JsonDocument.Parse(console.Output);
        return (code, json.RootElement.Clone());
    }

    private RunRecord Recorded(string runId) => new LiteLineageStore(Path.Combine(Workspace, "lineage.db")).GetRun(runId)!;

    [Fact]
    public async Task A_run_stopped_during_its_initial_evaluation_ends_cancelled_with_its_status()
    {
        // Stopped before it starts: the first thing that looks at the request is the initial evaluation.
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();
        var (code, result) = await Ibot(stop.Token, "run", Spec(32));
        Assert.Equal(1, code);
        Assert.Equal("cancelled", result.GetProperty("status").GetString());
        var runId = result.GetProperty("run_id").GetString()!;
        var status = await File.ReadAllTextAsync(Path.Combine(Workspace, runId, "status"));
        Assert.Equal("cancelled: cancelled before the first epoch, during the initial evaluation", status.Trim());
        Assert.Equal([RunState.Running, RunState.Cancelled], Recorded(runId).History.Select(h => h.Status));
    }

    [Fact]
    public async Task A_run_resumed_from_the_middle_of_an_epoch_is_linked_to_that_checkpoint()
    {
        using var stop = new CancellationTokenSource();
        var running = Ibot(stop.Token, "run", Spec(160));
        // Stop at the first step report: the run checkpoints where it is, in the middle of epoch 1.
        while (!running.IsCompleted && !Directory.EnumerateFiles(dir, "run.log", SearchOption.AllDirectories).Any(l => File.ReadAllText(l).Contains("epoch 1/1 it ", StringComparison.Ordinal)))
            await Task.Delay(2);
        await stop.CancelAsync();
        var (code, result) = await running;
        Assert.Equal(1, code);
        Assert.Equal("cancelled during epoch 1", result.GetProperty("reason").GetString());
        var runId = result.GetProperty("run_id").GetString()!;

        (code, result) = await Ibot(CancellationToken.None, "run", "--resume", runId);
        Assert.Equal(0, code);
        var run = Recorded(runId);
        Assert.Equal([RunState.Running, RunState.Cancelled, RunState.Running, RunState.Completed], run.History.Select(h => h.Status));
        Assert.Matches(@"^resumed in epoch 1 after iteration \d+$", run.History[2].Reason);
        var store = new LiteLineageStore(Path.Combine(Workspace, "lineage.db"));
        var resumed = Assert.Single(store.RelationsTo(runId), r => r.Kind == RelationKinds.Resumes);
        var checkpoint = store.GetArtifact(resumed.From)!;
        Assert.Equal(runId, checkpoint.ProducedBy);
        Assert.Equal(0, checkpoint.Epoch);

        var console = new TestConsole().Width(400);
        Assert.Equal(0, await CliApp.RunAsync(console, ["show", runId, "--json", "--workspace", Workspace], catalog: () => Catalog.Create([])));
        using var shown = JsonDocument.Parse(console.Output);
        Assert.Equal(resumed.From, Assert.Single(shown.RootElement.GetProperty("resumed_from").EnumerateArray()).GetString());
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
