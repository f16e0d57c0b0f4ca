using System.Diagnostics;
using IBot.Pipeline.Components;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Specs;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace IBot.Pipeline.Tests.Scheduling;

/// <summary>The whole service (Generic Host, Quartz jobs, queue database) with an in-process
/// runner: 500 one-step runs queued at once all finish once. Prints the dispatch overhead.</summary>
public sealed class ServiceLoadTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-load-").FullName;

    [Fact]
    public async Task Five_hundred_queued_runs_all_finish_exactly_once()
    {
        const int count = 500;
        var workspace = new Workspace(dir);
        var database = new QueueDatabase(workspace.QueueDatabase);
        var queue = new LiteDbRunQueue(database);
        var ids = Enumerable.Range(0, count).Select(i => $"load-{i:D3}").ToList();
        foreach (var id in ids) Directory.CreateDirectory(workspace.RunFolder(id));
        queue.Enqueue(ids.Select(id => new QueuedRun { Id = id, Name = id }).ToList());
        var launcher = new InProcessLauncher(workspace);
        var options = new ServiceOptions { Slots = Enumerable.Repeat("cpu", 4).ToList(), DispatchInterval = TimeSpan.FromMilliseconds(200) };
        var schedules = new LiteDbScheduleStore(database);
        var submitter = new RunSubmitter(new SpecValidator(new ComponentCatalog()), queue, schedules, workspace);
        using var host = ServiceHost.Build(options, workspace, queue, schedules, launcher, submitter);

        var watch = Stopwatch.StartNew();
        await host.StartAsync();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (queue.List(RunState.Queued, RunState.Running).Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        var elapsed = watch.Elapsed;
        await host.StopAsync();

        var runs = queue.List();
        Assert.Equal(count, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunState.Completed, r.State));
        Assert.All(runs, r => Assert.Equal(1, r.Attempts));
        Assert.Equal(count, launcher.Launches.Count);
        Assert.All(launcher.Launches.Values, n => Assert.Equal(1, n));
        output.WriteLine($"{count} runs on {options.Slots.Count} slots in {elapsed.TotalSeconds:F1} s: {elapsed.TotalMilliseconds / count:F1} ms of dispatch overhead per run (claim, launch, settle)");
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
