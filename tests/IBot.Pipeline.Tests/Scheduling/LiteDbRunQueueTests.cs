using System.Collections.Concurrent;
using IBot.Pipeline.Scheduling;

namespace IBot.Pipeline.Tests.Scheduling;

public sealed class LiteDbRunQueueTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-queue-").FullName;

    private LiteDbRunQueue Queue() => new(new QueueDatabase(Path.Combine(dir, "queue.db")));

    private static QueuedRun Run(string id, int priority = 0, string? sweep = null) => new() { Id = id, Name = id, Priority = priority, SweepId = sweep };

    [Fact]
    public void Claims_follow_priority_then_submission_order()
    {
        var queue = Queue();
        queue.Enqueue([Run("a"), Run("b", priority: 5), Run("c")]);
        queue.Enqueue([Run("d", priority: 5), Run("e", priority: -1)]);
        var order = new List<string>();
        while (queue.ClaimNext("cpu", 0) is { } run) order.Add(run.Id);
        Assert.Equal(["b", "d", "a", "c", "e"], order);
        Assert.All(queue.List(), r => Assert.Equal(RunState.Running, r.State));
        Assert.All(queue.List(), r => Assert.Equal(1, r.Attempts));
    }

    [Fact]
    public void A_new_priority_moves_a_queued_run_and_only_a_queued_one()
    {
        var queue = Queue();
        queue.Enqueue([Run("a"), Run("b"), Run("c")]);
        Assert.Equal("a", queue.ClaimNext("cpu", 0)!.Id);
        Assert.True(queue.SetPriority("c", 3));
        Assert.False(queue.SetPriority("a", 9));
        Assert.False(queue.SetPriority("nope", 9));
        Assert.Equal(3, queue.Get("c")!.Priority);
        Assert.EndsWith("priority 3", queue.Get("c")!.History[^1], StringComparison.Ordinal);
        Assert.Equal(0, queue.Get("a")!.Priority);
        Assert.Equal(["c", "b"], [queue.ClaimNext("cpu", 0)!.Id, queue.ClaimNext("cpu", 0)!.Id]);
    }

    [Fact]
    public void Concurrent_claimers_never_get_the_same_run()
    {
        var queue = Queue();
        queue.Enqueue(Enumerable.Range(0, 200).Select(i => Run($"r{i:D3}")).ToList());
        var claimed = new ConcurrentBag<string>();
        Parallel.For(0, 4, worker =>
        {
            // Each worker opens its own store, as separate processes would.
            var mine = Queue();
            while (mine.ClaimNext("cpu", worker) is { } run) claimed.Add(run.Id);
        });
        Assert.Equal(200, claimed.Count);
        Assert.Equal(200, claimed.Distinct().Count());
    }

    [Fact]
    public void Interrupted_runs_are_requeued_until_their_attempts_run_out()
    {
        var queue = Queue();
        queue.Enqueue([Run("a")]);
        queue.ClaimNext("cpu", 0);
        Assert.Equal(RunState.Queued, queue.Interrupt("a", "killed", maxAttempts: 2));
        queue.ClaimNext("cpu", 0);
        Assert.Equal(RunState.Failed, queue.Interrupt("a", "killed", maxAttempts: 2));
        var run = queue.Get("a")!;
        Assert.Equal(2, run.Attempts);
        Assert.Contains("after 2 attempts", run.Reason, StringComparison.Ordinal);
        Assert.Null(queue.ClaimNext("cpu", 0));
    }

    [Fact]
    public void A_clean_stop_gives_the_attempt_back()
    {
        var queue = Queue();
        queue.Enqueue([Run("a")]);
        queue.ClaimNext("cpu", 0);
        Assert.Equal(RunState.Queued, queue.Interrupt("a", "service stopping", maxAttempts: 1, countAttempt: false));
        Assert.Equal(0, queue.Get("a")!.Attempts);
    }

    [Fact]
    public void Cancel_removes_a_queued_run_and_flags_a_running_one()
    {
        var queue = Queue();
        queue.Enqueue([Run("running"), Run("queued")]);
        queue.ClaimNext("cpu", 0);
        Assert.Equal(CancelOutcome.Removed, queue.RequestCancel("queued"));
        Assert.Equal(RunState.Cancelled, queue.Get("queued")!.State);
        Assert.Null(queue.ClaimNext("cpu", 1));
        Assert.Equal(CancelOutcome.Stopping, queue.RequestCancel("running"));
        Assert.True(queue.Get("running")!.CancelRequested);
        // However the run then stops, a cancel request makes it cancelled rather than requeued.
        Assert.Equal(RunState.Cancelled, queue.Interrupt("running", "stopped", maxAttempts: 3, countAttempt: false));
        Assert.Equal(CancelOutcome.AlreadyFinished, queue.RequestCancel("running"));
        Assert.Equal(CancelOutcome.NotFound, queue.RequestCancel("nope"));
    }

    [Fact]
    public void Finished_runs_keep_their_history_and_sweep()
    {
        var queue = Queue();
        queue.Enqueue([Run("a", sweep: "s1")]);
        queue.ClaimNext("cuda:1", 1);
        queue.AttachProcess("a", 42, 4242);
        queue.Finish("a", RunState.Completed, null);
        var run = queue.Get("a")!;
        Assert.Equal(("s1", "cuda:1", 42, RunState.Completed), (run.SweepId, run.Device, run.Pid!.Value, run.State));
        Assert.Equal(3, run.History.Count);
        Assert.EndsWith("completed", run.History[^1], StringComparison.Ordinal);
        Assert.Empty(queue.List(RunState.Queued, RunState.Running));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
