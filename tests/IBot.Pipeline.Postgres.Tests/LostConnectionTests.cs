using System.Collections.Concurrent;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Specs;
using IBot.Pipeline.Storage;
using IBot.Pipeline.Tests.Scheduling;

namespace IBot.Pipeline.Postgres.Tests;

/// <summary>A node whose database connection is cut (a relay in front of the server stops): it stops claiming, its
/// running run goes on and ends, and once the connection is back the node settles that run and claims again.</summary>
public sealed class LostConnectionTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-lost-").FullName;
    private readonly TcpProxy proxy;
    private readonly StoreLocation location;

    public LostConnectionTests()
    {
        PostgresServer.SkipUnlessAvailable();
        var direct = PostgresServer.Shared.NewDatabase();
        proxy = new TcpProxy(direct.Port);
        proxy.Start();
        location = StoreLocation.Parse($"postgres://ibot@127.0.0.1:{proxy.Port}/{direct.Database}");
    }

    /// <summary>The first run waits for <see cref="Gate"/>; every run then ends completed, as its status file says.</summary>
    private sealed class GateLauncher(Workspace workspace) : IRunLauncher
    {
        private int nextPid = 2_000_000;

        public ConcurrentDictionary<string, int> Launches { get; } = new();

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IRunProcess Launch(QueuedRun run, DeviceLease lease, Action exited)
        {
            var first = Launches.IsEmpty;
            Launches.AddOrUpdate(run.Id, 1, (_, n) => n + 1);
            var process = new InProcessLauncher.FakeProcess(Interlocked.Increment(ref nextPid));
            _ = Task.Run(async () =>
            {
                if (first) await Gate.Task;
                File.WriteAllText(new RunLayout(workspace.RunFolder(run.Id)).Status, "completed\n");
                process.Exit();
                exited();
            });
            return process;
        }

        public IRunProcess? Adopt(QueuedRun run) => null;
    }

    [SkippableFact]
    public async Task A_node_that_loses_its_database_stops_claiming_keeps_its_run_and_settles_it_after_reconnecting()
    {
        var workspace = new Workspace(dir);
        var stores = new PgStoreProvider().Open(location, workspace);
        var ids = new[] { "r1", "r2", "r3" };
        foreach (var id in ids) Directory.CreateDirectory(workspace.RunFolder(id));
        stores.Queue.Enqueue(ids.Select(id => new QueuedRun { Id = id, Name = id, SpecHash = "h" }).ToList());
        var launcher = new GateLauncher(workspace);
        var options = new ServiceOptions
        {
            Slots = ["cpu"], Node = "a", DispatchInterval = TimeSpan.FromMilliseconds(100), HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        };
        var submitter = new RunSubmitter(new SpecValidator(Catalog.Create([])), stores.Queue, stores.Schedules, workspace);
        using var host = ServiceHost.Build(options, workspace, stores.Queue, stores.Schedules, launcher, submitter, cluster: stores.Cluster, triggers: stores.ClusterTriggers);
        await host.StartAsync();
        await Until(() => launcher.Launches.ContainsKey("r1"), "r1 to start");

        proxy.Stop();
        launcher.Gate.SetResult();
        // r1 ends while the database is away: no claim, no launch, and the node goes on.
        await Task.Delay(2000);
        Assert.Equal(["r1"], launcher.Launches.Keys);

        proxy.Start();
        var direct = new PgRunQueue(new PgDatabase(location));
        await Until(() => direct.List(RunState.Queued, RunState.Running).Count == 0, "every run to finish after the reconnect");
        await host.StopAsync();
        Assert.All(direct.List(), r => Assert.Equal((RunState.Completed, 1), (r.State, r.Attempts)));
        Assert.Equal(ids, launcher.Launches.Keys.Order(StringComparer.Ordinal));
        Assert.All(launcher.Launches.Values, n => Assert.Equal(1, n));
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        proxy.Dispose();
        Directory.Delete(dir, recursive: true);
    }
}
