using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Specs;
using IBot.Pipeline.Storage;
using IBot.Pipeline.Tests.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace IBot.Pipeline.Postgres.Tests;

/// <summary>Two whole services (Generic Host, Quartz jobs, supervisor) as two nodes of one PostgreSQL store, in this
/// process, with an in-process runner behind the launcher interface, so the tests measure the queue and the service,
/// not training: every queued run finishes exactly once across the nodes, and a cron schedule submits once per fire time.</summary>
public sealed class ClusterServiceTests : IDisposable
{
    private readonly ITestOutputHelper output;
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cluster-").FullName;
    private readonly StoreLocation location;

    public ClusterServiceTests(ITestOutputHelper output)
    {
        this.output = output;
        PostgresServer.SkipUnlessAvailable();
        location = PostgresServer.Shared.NewDatabase();
    }

    private Workspace Workspace => new(dir);

    private sealed record Node(IHost Host, InProcessLauncher Launcher, WorkspaceStores Stores);

    private Node Start(string name, int slots, ConcurrentQueue<string>? log = null, TimeSpan? scheduleSync = null, TimeSpan? misfire = null)
    {
        var stores = new PgStoreProvider().Open(location, Workspace);
        var launcher = new InProcessLauncher(Workspace);
        var options = new ServiceOptions
        {
            Slots = Enumerable.Repeat("cpu", slots).ToList(), Node = name,
            DispatchInterval = TimeSpan.FromMilliseconds(200), HeartbeatInterval = TimeSpan.FromMilliseconds(500),
            ScheduleSyncInterval = scheduleSync ?? TimeSpan.FromSeconds(10),
            MisfireThreshold = misfire ?? TimeSpan.FromSeconds(60),
        };
        var lineage = stores.QueueLineage(_ => { });
        var submitter = new RunSubmitter(new SpecValidator(Catalog.Create([])), stores.Queue, stores.Schedules, Workspace, lineage);
        var host = ServiceHost.Build(options, Workspace, stores.Queue, stores.Schedules, launcher, submitter,
            logging => { if (log is not null) logging.AddProvider(new ListLogger(name, log)); }, lineage, stores.Cluster, stores.ClusterTriggers);
        return new Node(host, launcher, stores);
    }

    [SkippableFact]
    public Task Two_nodes_finish_every_queued_run_exactly_once() => FinishExactlyOnce(200, "a", "b");

    /// <summary>The LiteDB load test's setting (one service, 4 slots, 500 runs) on PostgreSQL: the dispatch overheads compare.</summary>
    [SkippableFact]
    public Task One_node_finishes_every_queued_run_exactly_once_as_the_LiteDB_load_test_does() => FinishExactlyOnce(500, "a");

    private async Task FinishExactlyOnce(int count, params string[] names)
    {
        var queue = new PgRunQueue(new PgDatabase(location));
        var ids = Enumerable.Range(0, count).Select(i => $"load-{i:D3}").ToList();
        foreach (var id in ids) Directory.CreateDirectory(Workspace.RunFolder(id));
        queue.Enqueue(ids.Select(id => new QueuedRun { Id = id, Name = id, SpecHash = "h" }).ToList());
        var nodes = names.Select(n => Start(n, 4)).ToList();

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(nodes.Select(n => n.Host.StartAsync()));
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (queue.List(RunState.Queued, RunState.Running).Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        var elapsed = watch.Elapsed;
        await Task.WhenAll(nodes.Select(n => n.Host.StopAsync()));
        foreach (var n in nodes) n.Host.Dispose();

        var runs = queue.List();
        Assert.Equal(count, runs.Count);
        Assert.All(runs, r => Assert.Equal((RunState.Completed, 1), (r.State, r.Attempts)));
        var launches = nodes.SelectMany(n => n.Launcher.Launches).ToList();
        Assert.Equal(count, launches.Count);
        Assert.Equal(count, launches.Select(l => l.Key).Distinct().Count());
        Assert.All(launches, l => Assert.Equal(1, l.Value));
        for (var i = 0; i < names.Length; i++)
            Assert.All(runs, r => Assert.Equal(r.Node == names[i], nodes[i].Launcher.Launches.ContainsKey(r.Id)));
        output.WriteLine($"{count} runs on {names.Length} node(s) x 4 slots in {elapsed.TotalSeconds:F1} s: {elapsed.TotalMilliseconds / count:F1} ms of dispatch overhead per run "
            + $"(claim, launch, settle); {string.Join(", ", names.Select((n, i) => $"node {n} ran {nodes[i].Launcher.Launches.Count}"))}");
    }

    [SkippableFact]
    public async Task A_cron_schedule_fires_once_per_fire_time_on_one_node_of_the_Quartz_cluster()
    {
        var log = new ConcurrentQueue<string>();
        var stores = Submit("*/2 * * * * ?");
        Assert.EndsWith("tables qrtz_* not created yet (the first node's start creates them)", stores.ClusterTriggers!.Check(ServiceHost.ClusterSchedulerName));
        var a = Start("a", 1, log, TimeSpan.FromMilliseconds(200));
        var b = Start("b", 1, log, TimeSpan.FromMilliseconds(200));
        await Task.WhenAll(a.Host.StartAsync(), b.Host.StartAsync());
        await Task.Delay(TimeSpan.FromSeconds(9));
        // Both nodes are members of the Quartz cluster, checked in to the shared job store.
        var members = Query("SELECT instance_name FROM qrtz_scheduler_state ORDER BY instance_name");
        var doctor = stores.ClusterTriggers!.Check(ServiceHost.ClusterSchedulerName);
        await Task.WhenAll(a.Host.StopAsync(), b.Host.StopAsync());
        a.Host.Dispose();
        b.Host.Dispose();

        Assert.Equal(["a", "b"], members);
        Assert.Matches(@"^Quartz clustered job store, tables qrtz_\*; nodes checked in: a \d+ s ago, b \d+ s ago$", doctor);
        var fired = log.Where(l => l.Contains(" fired: ", StringComparison.Ordinal)).ToList();
        var due = fired.Select(Due).ToList();
        Assert.True(due.Count >= 3, string.Join('\n', log));
        Assert.Equal(due.Count, due.Distinct().Count());
        // Each fire time was acquired by one node under Quartz's cluster lock: no node's job ever ran for a time
        // another had submitted (the schedule row's claim, the second line of defence, never had to refuse one).
        Assert.DoesNotContain(log, l => l.Contains("was submitted already", StringComparison.Ordinal));
        Assert.Equal(due.Count, stores.Queue.List().Count);
        foreach (var line in fired) output.WriteLine(line);
    }

    [SkippableFact]
    public async Task A_fire_missed_while_no_node_ran_fires_once_when_a_node_starts_by_Quartz_misfire_policy()
    {
        var log = new ConcurrentQueue<string>();
        // Twice a minute, 6 s and 8 s from now: node a adds the trigger to the cluster's store and stops before it is due.
        var now = DateTimeOffset.UtcNow;
        var first = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddSeconds(6);
        var second = first.AddSeconds(2);
        var stores = Submit($"{first.Second},{second.Second} * * * * ?");
        var a = Start("a", 1, log, TimeSpan.FromMilliseconds(200), misfire: TimeSpan.FromSeconds(1));
        await a.Host.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Query("SELECT trigger_name FROM qrtz_cron_triggers").Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        await a.Host.StopAsync();
        a.Host.Dispose();
        Assert.Single(Query("SELECT trigger_name FROM qrtz_cron_triggers"));
        Assert.True(DateTimeOffset.UtcNow < first, "node a stopped after the first fire was due: the machine is too slow for this test");

        // No node runs while both are due; b starts later than the misfire threshold after the second.
        while (DateTimeOffset.UtcNow < second.AddSeconds(2.5)) await Task.Delay(100);
        var b = Start("b", 1, log, TimeSpan.FromMilliseconds(200), misfire: TimeSpan.FromSeconds(1));
        await b.Host.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        await b.Host.StopAsync();
        b.Host.Dispose();

        // Cron's "fire once now": one fire for the two missed times (not one per missed time, and not none), by b,
        // carrying the missed time it stands for.
        var fired = log.Where(l => l.Contains(" fired: ", StringComparison.Ordinal)).ToList();
        var only = Assert.Single(fired);
        Assert.StartsWith("b: ", only);
        var due = DateTimeOffset.Parse(Due(only), CultureInfo.InvariantCulture);
        Assert.Contains(due, new[] { first, second });
        Assert.Single(stores.Queue.List());
    }

    /// <summary>Submits the tiny spec on a cron schedule; the store it went to.</summary>
    private WorkspaceStores Submit(string cron)
    {
        var spec = Path.Combine(dir, "tiny.yaml");
        File.WriteAllText(spec, TinySpec + $"schedule: \"{cron}\"\n");
        var stores = new PgStoreProvider().Open(location, Workspace);
        var submitted = new RunSubmitter(new SpecValidator(Catalog.Create([])), stores.Queue, stores.Schedules, Workspace, stores.QueueLineage(_ => { }))
            .Submit(spec, [], 0);
        Assert.NotNull(submitted.ScheduleId);
        return stores;
    }

    /// <summary>The first column of a query's rows, read as text.</summary>
    private List<string> Query(string sql)
    {
        using var connection = new NpgsqlConnection(new PgDatabase(location).ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add(reader.GetValue(0).ToString()!);
        return rows;
    }

    /// <summary>The fire time a "fired" or "submitted already" line names.</summary>
    private static string Due(string line) => line[(line.IndexOf(" at ", StringComparison.Ordinal) + 4)..].Split(' ')[0];

    private const string TinySpec = """
        name: tiny-cron
        seed: 1
        data:
          train: { kind: synthetic, count: 8, classes: 4, width: 24, height: 24, seed: 1 }
        augmentation:
          kind: multi_crop
          global_crops: { count: 2, size: 16, scale: [0.4, 1.0] }
          local_crops: { count: 2, size: 8, scale: [0.1, 0.4] }
        masking: { kind: block }
        backbone: { kind: vit, patch_size: 4, embed_dim: 32, depth: 1, num_heads: 2 }
        heads:
          ibot: { kind: ibot_head, out_dim: 64, hidden_dim: 64, bottleneck_dim: 16 }
        objectives:
          - { kind: ibot_loss, head: ibot, teacher_temp: { warmup_epochs: 1 } }
        train:
          epochs: 1
          batch_size: 8
          optimizer: { warmup_epochs: 1 }
        resources: { gpus: 0 }

        """;

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
