using System.Diagnostics;
using System.Text.Json;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Specs;
using Microsoft.Extensions.Hosting;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Service;

/// <summary>A workspace for service tests: tiny synthetic specs (no evaluation, seconds per run),
/// the real worker (<c>dotnet ibot.dll run</c>) in child processes, and waiting helpers.</summary>
public sealed class ServiceTestKit : IDisposable
{
    public static readonly string TinySpec = TinySpecs.Training("tiny service", (16, 0, 0), [], trainExtra: "workers: 1");

    public string Dir { get; } = Directory.CreateTempSubdirectory("ibot-service-").FullName;

    public Workspace Workspace => new(Path.Combine(Dir, "ws"));

    public LiteDbRunQueue Queue => new(new QueueDatabase(Workspace.QueueDatabase));

    public IBot.Pipeline.Lineage.ILineageStore Lineage => IBot.Pipeline.Lineage.LineageStores.Open(Workspace);

    /// <summary>The worker the service launches: this build's ibot.dll through the dotnet host.</summary>
    public static IReadOnlyList<string> Worker => ["dotnet", typeof(CliApp).Assembly.Location];

    public string WriteSpec(string name, string extra = "", string? spec = null)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, (spec ?? TinySpec) + "\n" + extra);
        return path;
    }

    /// <summary><c>ibot ARGS --workspace WS</c> in this process; returns the exit code and output.</summary>
    public Task<(int Code, string Output)> Cli(params string[] args) => Command([.. args, "--workspace", Workspace.Root]);

    /// <summary><c>ibot ARGS</c>, exactly, in this process (for commands without a workspace, such as validate).</summary>
    public static async Task<(int Code, string Output)> Command(params string[] args)
    {
        var console = new TestConsole().Width(400);
        var code = await CliApp.RunAsync(console, args, catalog: () => Catalog.Create([]));
        return (code, console.Output);
    }

    public async Task<List<string>> Submit(string spec, params string[] more)
    {
        var (code, output) = await Cli(["submit", spec, "--json", .. more]);
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
    }

    /// <summary>The service in this process, with child-process workers.</summary>
    public IHost Host(int slots, int maxAttempts = 3)
    {
        var database = new QueueDatabase(Workspace.QueueDatabase);
        var queue = new LiteDbRunQueue(database);
        var schedules = new LiteDbScheduleStore(database);
        var options = new ServiceOptions
        {
            Slots = Enumerable.Repeat("cpu", slots).ToList(),
            DispatchInterval = TimeSpan.FromMilliseconds(200),
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),
            HeartbeatTimeout = TimeSpan.FromSeconds(60),
            ScheduleSyncInterval = TimeSpan.FromMilliseconds(200),
            StopTimeout = TimeSpan.FromSeconds(60),
            MaxAttempts = maxAttempts,
        };
        var lineage = new QueueLineage(Lineage, _ => { });
        var submitter = new RunSubmitter(new SpecValidator(Catalog.Create([])), queue, schedules, Workspace, lineage);
        return ServiceHost.Build(options, Workspace, queue, schedules, new ProcessRunLauncher(Worker, Workspace), submitter, lineage: lineage);
    }

    /// <summary><c>dotnet ibot.dll ARGS</c> as a child process, output to <paramref name="log"/>.</summary>
    public Process Start(string log, params string[] args)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var a in new[] { "-c", "exec \"$@\" > \"$LOG\" 2>&1 < /dev/null", "ibot" }.Concat(Worker).Concat(args)) start.ArgumentList.Add(a);
        start.Environment["LOG"] = Path.Combine(Dir, log);
        return Process.Start(start)!;
    }

    public static async Task Until(Func<bool> condition, string what, int seconds = 240)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    public bool HasCheckpoint(string runId) => File.Exists(Path.Combine(Workspace.RunFolder(runId), "checkpoints", "checkpoint.safetensors"));

    public string RunLog(string runId) => File.ReadAllText(Path.Combine(Workspace.RunFolder(runId), "run.log"));

    public bool Idle() => Queue.List(RunState.Queued, RunState.Running).Count == 0;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A worker killed by a failing test may still be writing; the temp folder is left behind.
        }
    }
}
