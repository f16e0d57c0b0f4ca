using System.Collections.Concurrent;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Storage;
using Npgsql;

namespace IBot.Pipeline.Postgres.Tests;

/// <summary>The queue on PostgreSQL: the LiteDB queue's order and transitions, claims that never collide
/// across connections (<c>FOR UPDATE SKIP LOCKED</c>), node and run heartbeats by the database's clock, and
/// takeovers of a silent node's runs by exactly one other node.</summary>
public sealed class PgRunQueueTests
{
    private readonly StoreLocation location;

    public PgRunQueueTests()
    {
        PostgresServer.SkipUnlessAvailable();
        location = PostgresServer.Shared.NewDatabase();
    }

    private PgRunQueue Queue() => new(new PgDatabase(location));

    private static QueuedRun Run(string id, int priority = 0, string? sweep = null) => new() { Id = id, Name = id, Priority = priority, SweepId = sweep, SpecHash = "h" };

    [SkippableFact]
    public void Claims_follow_priority_then_submission_order()
    {
        var queue = Queue();
        queue.Enqueue([Run("a"), Run("b", priority: 5), Run("c")]);
        queue.Enqueue([Run("d", priority: 5), Run("e", priority: -1)]);
        var order = new List<string>();
        while (queue.ClaimNext("cpu", 0, "n1") is { } run) order.Add(run.Id);
        Assert.Equal(["b", "d", "a", "c", "e"], order);
        Assert.All(queue.List(), r => Assert.Equal((RunState.Running, 1, "n1"), (r.State, r.Attempts, r.Node)));
        Assert.EndsWith("running: attempt 1 on n1 cpu", queue.Get("a")!.History[^1], StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_new_priority_reorders_a_queued_run_and_changes_nothing_else()
    {
        var queue = Queue();
        queue.Enqueue([Run("a"), Run("b"), Run("c")]);
        Assert.True(queue.SetPriority("c", 9));
        Assert.Equal("c", queue.ClaimNext("cpu", 0, "n1")!.Id);
        Assert.False(queue.SetPriority("c", 1));
        Assert.False(queue.SetPriority("zz", 1));
        Assert.Equal(["a", "b"], new[] { queue.ClaimNext("cpu", 0, "n1")!.Id, queue.ClaimNext("cpu", 0, "n1")!.Id });
        Assert.Equal(9, queue.Get("c")!.Priority);
    }

    [SkippableFact]
    public void Concurrent_claimers_on_separate_connections_never_get_the_same_run()
    {
        var queue = Queue();
        queue.Enqueue(Enumerable.Range(0, 200).Select(i => Run($"r{i:D3}")).ToList());
        var claimed = new ConcurrentBag<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var mine = Queue();
            while (mine.ClaimNext("cpu", worker, $"n{worker}") is { } run) claimed.Add(run.Id);
        });
        Assert.Equal(200, claimed.Count);
        Assert.Equal(200, claimed.Distinct().Count());
        Assert.All(queue.List(), r => Assert.Equal(1, r.Attempts));
    }

    [SkippableFact]
    public void Concurrent_submitters_lose_nothing_and_keep_each_batch_in_order()
    {
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, s =>
        {
            var mine = Queue();
            for (var batch = 0; batch < 10; batch++)
                mine.Enqueue(Enumerable.Range(0, 5).Select(i => Run($"s{s}-b{batch}-{i}")).ToList());
        });
        var all = Queue().List();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Select(r => r.Sequence).Distinct().Count());
        foreach (var submitter in all.GroupBy(r => r.Id[..2]))
            Assert.Equal(submitter.Select(r => r.Id).Order(StringComparer.Ordinal), submitter.OrderBy(r => r.Sequence).Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public void Transitions_follow_the_shared_rules()
    {
        var queue = Queue();
        queue.Enqueue([Run("a", sweep: "s1"), Run("b"), Run("c")]);
        queue.ClaimNext("cuda:1", 1, "n1");
        queue.AttachProcess("a", 42, 4242);
        queue.Finish("a", RunState.Completed, null);
        var a = queue.Get("a")!;
        Assert.Equal(("s1", "cuda:1", 42, 4242L, RunState.Completed), (a.SweepId, a.Device, a.Pid!.Value, a.ProcessStart!.Value, a.State));
        Assert.Equal(3, a.History.Count);
        Assert.NotNull(a.EndedAt);

        queue.ClaimNext("cpu", 0, "n1");
        Assert.Equal(RunState.Queued, queue.Interrupt("b", "node lost", maxAttempts: 2));
        queue.ClaimNext("cpu", 0, "n1");
        Assert.Equal(RunState.Failed, queue.Interrupt("b", "node lost", maxAttempts: 2));
        Assert.Equal(2, queue.Get("b")!.Attempts);

        Assert.Equal(CancelOutcome.Removed, queue.RequestCancel("c"));
        Assert.Equal(CancelOutcome.AlreadyFinished, queue.RequestCancel("c"));
        Assert.Equal(CancelOutcome.NotFound, queue.RequestCancel("zz"));
        Assert.Equal(RunState.Cancelled, queue.Get("c")!.State);
        Assert.Empty(queue.List(RunState.Queued, RunState.Running));
        Assert.Throws<KeyNotFoundException>(() => queue.Finish("zz", RunState.Failed, null));
    }

    [SkippableFact]
    public void A_silent_nodes_runs_are_taken_over_by_exactly_one_other_node()
    {
        var queue = Queue();
        queue.Enqueue([Run("a"), Run("b")]);
        queue.BeatNode("n1", "cpu:0");
        queue.ClaimNext("cpu", 0, "n1");
        queue.ClaimNext("cpu", 1, "n2");
        queue.BeatNode("n2", "cpu:1");
        var timeout = TimeSpan.FromSeconds(1);
        // n1 and its run beat just now: nobody's orphan yet.
        Assert.Empty(queue.Orphans("n2", timeout));
        Thread.Sleep(1500);
        queue.BeatNode("n2", "cpu:1");
        queue.BeatRun("b");
        var orphan = Assert.Single(queue.Orphans("n2", timeout));
        Assert.Equal(("a", "n1"), (orphan.Id, orphan.Node));
        // n2's own run is never its orphan, and n1 would see n2's live run as alive.
        Assert.DoesNotContain(queue.Orphans("n1", timeout), r => r.Id == "b");

        var winners = new ConcurrentBag<string>();
        Parallel.For(0, 4, i =>
        {
            if (Queue().TakeOver("a", "n1", $"n{i + 2}")) winners.Add($"n{i + 2}");
        });
        var winner = Assert.Single(winners);
        Assert.Equal(winner, queue.Get("a")!.Node);
        Assert.Contains($"taken over by {winner}: n1 stopped beating", queue.Get("a")!.History[^1], StringComparison.Ordinal);
        Assert.Equal(["n1", "n2"], queue.Nodes().Select(n => n.Node));
    }

    [SkippableFact]
    public void A_database_of_a_newer_ibot_is_refused_in_one_line_and_left_alone()
    {
        var queue = Queue();
        queue.Enqueue([Run("a")]);
        using (var connection = new NpgsqlConnection(new PgDatabase(location).ConnectionString))
        {
            connection.Open();
            using var newer = new NpgsqlCommand("INSERT INTO ibot_schema_version (version, script, applied_by) VALUES (99, '0099_future.sql', 'ibot 9')", connection);
            newer.ExecuteNonQuery();
        }
        // A fresh process (a new PgDatabase) checks the version before anything else.
        var e = Assert.ThrowsAny<StoreException>(() => Queue().Enqueue([Run("b")]));
        Assert.Contains("schema version 99, made by a newer ibot", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.ThrowsAny<StoreException>(() => Queue().List());
    }

    [SkippableFact]
    public void A_fresh_database_is_empty_to_readers_and_migrated_by_the_first_write()
    {
        var stores = new PgStoreProvider().Open(location, Hosting.Workspace.Resolve(Path.GetTempPath()));
        Assert.StartsWith("reachable (new: no ibot schema yet", stores.Check(), StringComparison.Ordinal);
        Assert.Empty(stores.Queue.List());
        Assert.Null(stores.Lineage.GetRun("x"));
        stores.Queue.Enqueue([Run("a")]);
        Assert.Equal($"reachable, schema version {PgDatabase.SchemaVersion}", new PgStoreProvider().Open(location, stores.Workspace).Check());
    }

    [SkippableFact]
    public void An_unreachable_server_is_a_transient_store_error_naming_the_url()
    {
        var nowhere = StoreLocation.Parse("postgres://ibot@127.0.0.1:1/none");
        var e = Assert.ThrowsAny<StoreException>(() => new PgRunQueue(new PgDatabase(nowhere)).ClaimNext("cpu", 0, "n1"));
        Assert.True(e.Transient);
        Assert.StartsWith("the PostgreSQL store postgres://ibot@127.0.0.1:1/none cannot be reached", e.Message, StringComparison.Ordinal);
    }
}
