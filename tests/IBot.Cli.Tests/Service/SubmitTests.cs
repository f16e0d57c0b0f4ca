using System.Text.Json;
using IBot.Pipeline.Scheduling;

namespace IBot.Cli.Tests.Service;

public sealed class SubmitTests : IDisposable
{
    private readonly ServiceTestKit kit = new();

    [Fact]
    public async Task Submit_queues_a_sweep_with_overrides_and_priority_without_a_service()
    {
        var spec = kit.WriteSpec("grid.yaml", "sweep: { grid: { seed: [1, 2, 3] } }");
        var low = await kit.Submit(kit.WriteSpec("one.yaml"));
        var ids = await kit.Submit(spec, "--set", "train.epochs=3", "--priority", "7");
        Assert.Equal(3, ids.Count);
        Assert.All(ids, id => Assert.Contains("epochs: 3", File.ReadAllText(Path.Combine(kit.Workspace.RunFolder(id), "spec.yaml")), StringComparison.Ordinal));

        var (code, output) = await kit.Cli("queue", "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var listed = json.RootElement.EnumerateArray().Select(r => (Id: r.GetProperty("id").GetString()!, State: r.GetProperty("state").GetString())).ToList();
        Assert.Equal([.. low, .. ids], listed.Select(r => r.Id));
        Assert.All(listed, r => Assert.Equal("queued", r.State));
        // The sweep outranks the earlier single run.
        Assert.Equal(ids[0], kit.Queue.ClaimNext("cpu", 0)!.Id);
    }

    [Fact]
    public async Task A_sweep_with_one_invalid_run_queues_nothing_and_names_the_run()
    {
        var spec = kit.WriteSpec("bad.yaml", "sweep: { grid: { train.epochs: [1, -1], seed: [5] } }");
        var (code, output) = await kit.Cli("submit", spec);
        Assert.Equal(2, code);
        Assert.Contains("train.epochs = -1 is out of range", output, StringComparison.Ordinal);
        Assert.Contains("(sweep run 2: train.epochs=-1, seed=5)", output, StringComparison.Ordinal);
        Assert.Empty(kit.Queue.List());
        Assert.False(Directory.Exists(kit.Workspace.Root) && Directory.EnumerateDirectories(kit.Workspace.Root).Any());

        var typo = kit.WriteSpec("typo.yaml", "sweep: { random: { samples: 2, params: { train.optimizer.lrr: { uniform: [0.1, 0.2] } } } }");
        (code, output) = await kit.Cli("submit", typo);
        Assert.Equal(2, code);
        Assert.Contains("lrr", output, StringComparison.Ordinal);
        Assert.Empty(kit.Queue.List(RunState.Queued));
    }

    [Fact]
    public async Task Submits_from_four_processes_while_this_one_claims_lose_and_duplicate_nothing()
    {
        var spec = kit.WriteSpec("grid.yaml", "sweep: { grid: { seed: [1, 2, 3, 4, 5], train.epochs: [1, 2, 3, 4, 5] } }");
        Directory.CreateDirectory(kit.Workspace.Root);
        var submits = Enumerable.Range(0, 4).Select(i => kit.Start($"submit{i}.log", "submit", spec, "--workspace", kit.Workspace.Root)).ToList();
        var claimed = new List<string>();
        var queue = kit.Queue;
        while (submits.Any(p => !p.HasExited))
        {
            if (queue.ClaimNext("cpu", 0) is { } run) claimed.Add(run.Id);
            else await Task.Delay(20);
        }
        while (queue.ClaimNext("cpu", 0) is { } run) claimed.Add(run.Id);
        foreach (var p in submits)
        {
            Assert.True(p.ExitCode == 0, File.ReadAllText(Path.Combine(kit.Dir, $"submit{submits.IndexOf(p)}.log")));
            p.Dispose();
        }
        Assert.Equal(100, claimed.Count);
        Assert.Equal(100, claimed.Distinct().Count());
        var all = queue.List();
        Assert.Equal(100, all.Count);
        Assert.Equal(4, all.Select(r => r.SweepId).Distinct().Count());
        Assert.Equal(100, all.Select(r => r.Sequence).Distinct().Count());
        Assert.All(all, r => Assert.Equal((RunState.Running, 1), (r.State, r.Attempts)));
    }

    [Fact]
    public async Task A_submitted_run_records_the_device_the_service_starts_it_on()
    {
        var id = Assert.Single(await kit.Submit(kit.WriteSpec("one.yaml"), "--set", "train.epochs=1"));
        Assert.Null(kit.Lineage.GetRun(id)!.Device);
        // The worker command line ibot serve starts for a run it claimed on a slot.
        var (code, output) = await kit.Cli("run", "--resume", id, "--device", "cpu", "--json");
        Assert.True(code == 0, output);
        (code, output) = await kit.Cli("show", id, "--json");
        Assert.True(code == 0, output);
        using var shown = JsonDocument.Parse(output);
        Assert.Equal("cpu", shown.RootElement.GetProperty("run").GetProperty("device").GetString());
        Assert.Equal("started on cpu", shown.RootElement.GetProperty("run").GetProperty("history")[1].GetProperty("reason").GetString());
        (code, output) = await kit.Cli("runs", "--where", "device = 'cpu'", "--json");
        Assert.True(code == 0, output);
        using var listed = JsonDocument.Parse(output);
        Assert.Equal(id, Assert.Single(listed.RootElement.GetProperty("runs").EnumerateArray()).GetProperty("id").GetString());
    }

    public void Dispose() => kit.Dispose();
}
