using System.Diagnostics;
using System.Text.RegularExpressions;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Scheduling;
using LineageState = IBot.Pipeline.Abstractions.Runs.RunState;
using IBot.Pipeline.Specs;

namespace IBot.Cli.Tests.Service;

/// <summary>The service end to end on CPU slots: real <c>ibot run</c> workers in child processes,
/// tiny synthetic runs.</summary>
public sealed class ServiceTests : IDisposable
{
    private readonly ServiceTestKit kit = new();

    [Fact]
    public async Task A_six_run_grid_sweep_on_two_slots_completes_with_six_distinct_parameter_sets()
    {
        var spec = kit.WriteSpec("grid.yaml", """
            sweep:
              grid:
                train.optimizer.lr: [1.0e-4, 2.0e-4, 4.0e-4]
                seed: [1, 2]
            """);
        var ids = await kit.Submit(spec, "--set", "train.epochs=1");
        Assert.Equal(6, ids.Count);
        using (var host = kit.Host(slots: 2))
        {
            await host.StartAsync();
            await ServiceTestKit.Until(kit.Idle, "the sweep to finish");
            await host.StopAsync();
        }
        var runs = kit.Queue.List();
        Assert.Equal(6, runs.Count);
        Assert.All(runs, r => Assert.Equal((RunState.Completed, 1), (r.State, r.Attempts)));
        Assert.Single(runs.Select(r => r.SweepId).Distinct());
        Assert.NotNull(runs[0].SweepId);
        var parameters = ids.Select(id =>
        {
            var tree = SpecComposer.Parse(File.ReadAllText(Path.Combine(kit.Workspace.RunFolder(id), "spec.yaml")), "spec.yaml");
            var optimizer = (SpecMapping)((SpecMapping)tree["train"]!)["optimizer"]!;
            return $"{((SpecScalar)optimizer["lr"]!).Value}/{((SpecScalar)tree["seed"]!).Value}";
        }).ToList();
        Assert.Equal(6, parameters.Distinct().Count());
        // Lineage: the sweep, its six runs with their parameters, and each run's status history.
        var lineage = kit.Lineage;
        var sweep = runs[0].SweepId!;
        Assert.NotNull(lineage.GetSweep(sweep));
        Assert.Equal(ids.Order(StringComparer.Ordinal), lineage.RelationsFrom(sweep).Where(r => r.Kind == RelationKinds.Expands).Select(r => r.To).Order(StringComparer.Ordinal));
        var records = ids.Select(id => lineage.GetRun(id)!).ToList();
        Assert.Equal(6, records.Select(r => $"{r.Params["train.optimizer.lr"]}/{r.Params["seed"]}").Distinct().Count());
        Assert.All(records, r => Assert.Equal((LineageState.Completed, sweep), (r.Status, r.Sweep)));
        Assert.All(records, r => Assert.Equal([LineageState.Queued, LineageState.Running, LineageState.Completed], r.History.Select(h => h.Status)));
        Assert.All(ids, id => Assert.True(kit.HasCheckpoint(id)));
        // Never more than two at once: each run's start precedes the end of at most one other running run.
        var spans = runs.Select(r => (Start: r.StartedAt!.Value, End: r.EndedAt!.Value)).ToList();
        Assert.All(spans, s => Assert.True(spans.Count(o => o.Start <= s.Start && o.End > s.Start) <= 2));
    }

    [Fact]
    public async Task A_killed_worker_resumes_from_its_checkpoint_and_finishes()
    {
        var id = (await kit.Submit(kit.WriteSpec("long.yaml"), "--set", "train.epochs=40")).Single();
        using var host = kit.Host(slots: 1);
        await host.StartAsync();
        await ServiceTestKit.Until(() => kit.HasCheckpoint(id) && kit.Queue.Get(id)!.Pid is not null, "a first checkpoint");
        using (var worker = Process.GetProcessById(kit.Queue.Get(id)!.Pid!.Value)) worker.Kill();
        await ServiceTestKit.Until(kit.Idle, "the run to finish");
        await host.StopAsync();

        var run = kit.Queue.Get(id)!;
        Assert.Equal((RunState.Completed, 2), (run.State, run.Attempts));
        Assert.Contains(run.History, h => h.Contains("interrupted", StringComparison.Ordinal));
        var log = kit.RunLog(id);
        Assert.Contains("resumed from", log, StringComparison.Ordinal);
        Assert.Contains("epoch 40/40 done", log, StringComparison.Ordinal);
        // Resumed, not restarted: the epochs finished before the kill are not trained again.
        Assert.Equal(1, Regex.Count(log, @"epoch 1/40 done"));
        var history = kit.Lineage.GetRun(id)!.History.Select(h => h.Status).ToList();
        Assert.Equal([LineageState.Queued, LineageState.Running, LineageState.Interrupted, LineageState.Queued, LineageState.Running], history.Take(5));
        Assert.Equal(LineageState.Completed, history[^1]);
    }

    [Fact]
    public async Task Cancel_removes_a_queued_run_and_stops_a_running_one_keeping_its_checkpoint()
    {
        var running = (await kit.Submit(kit.WriteSpec("long.yaml"), "--set", "train.epochs=2000")).Single();
        var queued = (await kit.Submit(kit.WriteSpec("short.yaml"), "--set", "train.epochs=1")).Single();
        using var host = kit.Host(slots: 1);
        await host.StartAsync();
        await ServiceTestKit.Until(() => kit.HasCheckpoint(running), "a first checkpoint");

        var (code, output) = await kit.Cli("cancel", queued);
        Assert.True(code == 0, output);
        Assert.Contains("cancelled (it was queued)", output, StringComparison.Ordinal);
        (code, output) = await kit.Cli("cancel", running);
        Assert.True(code == 0, output);
        Assert.Contains("stopping", output, StringComparison.Ordinal);
        await ServiceTestKit.Until(kit.Idle, "the cancelled run to stop");
        await host.StopAsync();

        Assert.Equal(RunState.Cancelled, kit.Queue.Get(queued)!.State);
        Assert.False(File.Exists(Path.Combine(kit.Workspace.RunFolder(queued), "run.log")));
        var stopped = kit.Queue.Get(running)!;
        Assert.Equal(RunState.Cancelled, stopped.State);
        Assert.True(kit.HasCheckpoint(running));
        Assert.StartsWith("cancelled", RunFiles.ReadStatus(kit.Workspace.RunFolder(running))!.Value.Status, StringComparison.Ordinal);
        Assert.DoesNotContain("epoch 2000/2000 done", kit.RunLog(running), StringComparison.Ordinal);
        Assert.Equal(2, (await kit.Cli("cancel", "no-such-run")).Code);
        Assert.Equal(LineageState.Cancelled, kit.Lineage.GetRun(queued)!.Status);
        Assert.Equal(LineageState.Cancelled, kit.Lineage.GetRun(running)!.Status);
    }

    public void Dispose() => kit.Dispose();
}
