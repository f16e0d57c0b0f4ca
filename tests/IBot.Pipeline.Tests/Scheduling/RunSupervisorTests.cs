using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace IBot.Pipeline.Tests.Scheduling;

public sealed class RunSupervisorTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-supervisor-").FullName;

    private (RunSupervisor Supervisor, LiteDbRunQueue Queue, InProcessLauncher Launcher) Create(int slots, TimeSpan heartbeatTimeout, params string[] runs)
    {
        var workspace = new Workspace(dir);
        var queue = new LiteDbRunQueue(new QueueDatabase(workspace.QueueDatabase));
        foreach (var id in runs) Directory.CreateDirectory(workspace.RunFolder(id));
        queue.Enqueue(runs.Select(id => new QueuedRun { Id = id, Name = id }).ToList());
        var launcher = new InProcessLauncher(workspace);
        var options = new ServiceOptions { Slots = Enumerable.Repeat("cpu", slots).ToList(), HeartbeatTimeout = heartbeatTimeout, MaxAttempts = 2 };
        return (new RunSupervisor(queue, launcher, new DeviceLeases(options.Slots), options, workspace, NullLogger<RunSupervisor>.Instance), queue, launcher);
    }

    private static void Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException();
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void Dispatch_fills_the_free_slots_only()
    {
        var (supervisor, queue, launcher) = Create(2, TimeSpan.FromMinutes(1), "a", "b", "c");
        launcher.Hang.UnionWith(["a", "b"]);
        Assert.Equal(2, supervisor.Dispatch());
        Assert.Equal(0, supervisor.Dispatch());
        Assert.Single(queue.List(RunState.Queued));
    }

    [Fact]
    public void A_run_whose_heartbeat_stops_is_killed_requeued_and_finishes_on_its_next_attempt()
    {
        var (supervisor, queue, launcher) = Create(1, TimeSpan.FromMilliseconds(300), "hung");
        launcher.Hang.Add("hung");
        supervisor.Dispatch();
        Thread.Sleep(500);
        supervisor.CheckHeartbeats();
        Until(() => supervisor.Dispatch() > 0);
        Until(() => { supervisor.Dispatch(); return queue.Get("hung")!.State == RunState.Completed; });
        var run = queue.Get("hung")!;
        Assert.Equal(2, run.Attempts);
        Assert.Contains(run.History, h => h.Contains("interrupted", StringComparison.Ordinal));
        Assert.Equal(2, launcher.Launches["hung"]);
    }

    [Fact]
    public void Runs_left_running_by_a_dead_service_are_requeued_when_their_process_is_gone()
    {
        var (supervisor, queue, _) = Create(1, TimeSpan.FromMinutes(1), "orphan");
        queue.ClaimNext("cpu", 0);
        queue.AttachProcess("orphan", int.MaxValue - 1, 1);
        supervisor.Recover();
        Assert.Equal(RunState.Queued, queue.Get("orphan")!.State);
        Until(() => { supervisor.Dispatch(); return queue.Get("orphan")!.State == RunState.Completed; });
    }

    [Fact]
    public void A_run_still_alive_after_a_service_restart_is_adopted_not_launched_again()
    {
        var (supervisor, queue, launcher) = Create(1, TimeSpan.FromMinutes(1), "survivor", "next");
        queue.ClaimNext("cpu", 0);
        queue.AttachProcess("survivor", 77, 7);
        var process = new InProcessLauncher.FakeProcess(77);
        launcher.Survivors["survivor"] = process;
        supervisor.Recover();
        Assert.Equal(0, supervisor.Dispatch()); // its slot is taken by the adopted run
        Assert.Equal(RunState.Running, queue.Get("survivor")!.State);

        File.WriteAllText(new RunLayout(Path.Combine(dir, "survivor")).Status, "completed\n");
        process.Exit();
        Until(() => { supervisor.Dispatch(); return queue.Get("next")!.State == RunState.Completed; });
        Assert.Equal((RunState.Completed, 1), (queue.Get("survivor")!.State, queue.Get("survivor")!.Attempts));
        Assert.False(launcher.Launches.ContainsKey("survivor"));
    }

    [Fact]
    public async Task Stopping_asks_runs_to_stop_and_puts_them_back_without_spending_an_attempt()
    {
        var (supervisor, queue, launcher) = Create(1, TimeSpan.FromMinutes(1), "long");
        launcher.Hang.Add("long");
        supervisor.Dispatch();
        await supervisor.StopAsync(CancellationToken.None);
        var run = queue.Get("long")!;
        Assert.Equal(RunState.Queued, run.State);
        Assert.Equal(0, run.Attempts);
        Assert.Equal(0, supervisor.Dispatch());
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
