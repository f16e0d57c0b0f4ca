using System.Text.Json;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Lineage.Lite;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Storage;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Lineage;

/// <summary>What the commands do with a damaged lineage.db: read-only commands never change it; run and
/// submit agree, refusing it before any work (exit 2, one line, no run folder, nothing queued, the file
/// byte for byte as it was); damage met in the middle of a run is a warning, and the run goes on to its
/// end and its status.</summary>
public sealed class DamagedLineageTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cli-damaged-").FullName;

    private string Workspace => Path.Combine(dir, "ws");

    private string Database => Path.Combine(Workspace, "lineage.db");

    private static readonly string TinySpec = TinySpecs.Training("tiny damaged", (64, 24, 12), ["{ kind: knn, k: [5] }"], epochs: 2, logEvery: 1);

    private async Task<(int Code, string Output, string Error)> Ibot(params string[] args)
    {
        var console = new TestConsole().Width(400);
        var error = new TestConsole().Width(400);
        var code = await CliApp.RunAsync(console, [.. args, "--workspace", Workspace], catalog: () => Catalog.Create([]), error: error);
        return (code, console.Output, error.Output);
    }

    /// <summary>A lineage database with 300 runs recorded, as bytes.</summary>
    private byte[] Recorded()
    {
        var batch = new LineageBatch();
        for (var i = 0; i < 300; i++)
        {
            var run = new RunRecord { Id = $"old-{i:D3}", Name = "old", SpecHash = "aaaa", Status = RunState.Completed, Created = DateTime.UtcNow, Updated = DateTime.UtcNow };
            run.Params["seed"] = LineageValue.Of(i);
            batch.Runs.Add(run);
        }
        new LiteLineageStore(Database).Write(batch);
        return File.ReadAllBytes(Database);
    }

    private string Spec()
    {
        var path = Path.Combine(dir, "tiny.yaml");
        File.WriteAllText(path, TinySpec);
        return path;
    }

    /// <summary>Refused with exit 2 and one line naming the file; nothing created; the file as it was.</summary>
    private async Task AssertRefused(byte[] bytes, string reason, params string[] args)
    {
        var (code, output, errors) = await Ibot(args);
        Assert.True(code == 2, $"{args[0]}: exit {code}\n{output}{errors}");
        Assert.Equal("", output);
        var error = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"the lineage database {Database} is damaged", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Database));
        Assert.Empty(Directory.GetDirectories(Workspace));
        Assert.False(File.Exists(Path.Combine(Workspace, "queue.db")) && new IBot.Pipeline.Scheduling.LiteDbRunQueue(new(Path.Combine(Workspace, "queue.db"))).List().Count > 0);
    }

    [Fact]
    public async Task A_database_cut_to_half_is_refused_by_runs_submit_and_run_and_kept_byte_for_byte()
    {
        var whole = Recorded();
        var half = whole[..(whole.Length / 2 / LiteFileCheck.PageSize * LiteFileCheck.PageSize)];
        await File.WriteAllBytesAsync(Database, half);
        var spec = Spec();
        await AssertRefused(half, "cut short", "runs");
        await AssertRefused(half, "cut short", "show", "old-001");
        await AssertRefused(half, "cut short", "submit", spec);
        await AssertRefused(half, "cut short", "run", spec);
    }

    [Fact]
    public async Task An_empty_database_is_refused_not_recreated()
    {
        Recorded();
        await File.WriteAllBytesAsync(Database, []);
        var spec = Spec();
        await AssertRefused([], "empty", "runs");
        await AssertRefused([], "empty", "run", spec);
        await AssertRefused([], "empty", "submit", spec);
    }

    [Fact]
    public async Task Run_and_submit_agree_on_a_database_damaged_inside_refusing_it_before_any_work()
    {
        var bytes = Recorded();
        Noise(bytes, 11);
        await File.WriteAllBytesAsync(Database, bytes);
        var spec = Spec();
        await AssertRefused(bytes, "", "submit", spec);
        await AssertRefused(bytes, "", "run", spec);
    }

    [Theory]
    [InlineData("lineage.db")]
    [InlineData("queue.db")]
    public async Task Serve_refuses_a_damaged_database_before_starting(string name)
    {
        Recorded();
        new IBot.Pipeline.Scheduling.LiteDbRunQueue(new(Path.Combine(Workspace, "queue.db"))).Enqueue([new() { Id = "q1", Name = "q1" }]);
        var path = Path.Combine(Workspace, name);
        var bytes = await File.ReadAllBytesAsync(path);
        Noise(bytes, 13);
        await File.WriteAllBytesAsync(path, bytes);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var console = new TestConsole().Width(400);
        var error = new TestConsole().Width(400);
        var code = await CliApp.RunAsync(console, ["serve", "--cpu-slots", "1", "--workspace", Workspace], stop.Token, catalog: () => Catalog.Create([]), error: error);
        Assert.True(code == 2, console.Output + error.Output);
        Assert.Contains($"{path} is damaged", Assert.Single(error.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(Path.Combine(Workspace, "serve.lock")));
    }

    [Fact]
    public async Task Damage_met_in_the_middle_of_a_run_is_a_warning_and_the_run_ends_with_its_status()
    {
        var spec = Spec();
        var console = new TestConsole().Width(400);
        var error = new TestConsole().Width(400);
        var running = Task.Run(() => CliApp.RunAsync(console, ["run", spec, "--workspace", Workspace, "--json"], catalog: () => Catalog.Create([]), error: error));
        // Once training has started (its record is written), damage the file under the store's own lock,
        // so the run's next write meets it whatever it was doing.
        string? folder = null;
        await Until(() => Directory.Exists(Workspace) && (folder = Directory.GetDirectories(Workspace).FirstOrDefault()) is not null
            && File.Exists(Path.Combine(folder, "run.log")) && File.ReadAllText(Path.Combine(folder, "run.log")).Contains("training ", StringComparison.Ordinal), running);
        byte[] damaged;
        using (StoreLock.TryAcquire(Database + ".lock", TimeSpan.FromSeconds(60)))
        {
            Assert.False(File.Exists(Path.Combine(folder!, "status")), "the run ended before the test could damage its lineage");
            damaged = await File.ReadAllBytesAsync(Database);
            Noise(damaged, 12);
            await File.WriteAllBytesAsync(Database, damaged);
        }
        var code = await running;
        Assert.True(code == 0, console.Output + error.Output);
        Assert.StartsWith("warning: lineage: not recorded", Assert.Single(error.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        using var result = JsonDocument.Parse(console.Output);
        Assert.Equal("completed", result.RootElement.GetProperty("status").GetString());
        Assert.Equal("completed", (await File.ReadAllTextAsync(Path.Combine(folder!, "status"))).Trim());
        var log = await File.ReadAllTextAsync(Path.Combine(folder!, "run.log"));
        Assert.Single(log.Split('\n'), l => l.Contains("lineage: not recorded", StringComparison.Ordinal));
        Assert.Contains("damaged or not a lineage database", log, StringComparison.Ordinal);
        Assert.Equal(damaged, await File.ReadAllBytesAsync(Database));
    }

    /// <summary>Noise over the second half of the pages: the header and the schema at the front still read,
    /// so LiteDB meets the damage inside a write's transaction (where it used to escape as a LiteException).</summary>
    private static void Noise(byte[] bytes, int seed)
    {
        var pages = bytes.Length / LiteFileCheck.PageSize;
        new Random(seed).NextBytes(bytes.AsSpan(pages / 2 * LiteFileCheck.PageSize));
    }

    private static async Task Until(Func<bool> condition, Task<int> running)
    {
        while (!condition())
        {
            if (running.IsCompleted) throw new InvalidOperationException($"the run ended (exit {await running}) before the condition held");
            await Task.Delay(5);
        }
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
