using System.Diagnostics;
using System.Text.RegularExpressions;
using IBot.Pipeline.Scheduling;

namespace IBot.Cli.Tests.Service;

/// <summary><c>ibot serve</c> and <c>ibot submit</c> as separate processes, stopped by SIGTERM and
/// killed with kill -9, as in production.</summary>
public sealed class ServiceProcessTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly ServiceTestKit kit = new();

    private Process Serve(string log) => kit.Start(log, "serve", "--workspace", kit.Workspace.Root, "--cpu-slots", "2", "--dispatch-ms", "200", "--heartbeat-check-ms", "500");

    [Fact]
    public async Task A_service_stopped_then_killed_mid_sweep_finishes_every_run_exactly_once()
    {
        var spec = kit.WriteSpec("sweep.yaml", """
            sweep:
              grid: { seed: [1, 2, 3, 4] }
            """);
        var service = Serve("serve1.log");
        // Submitted by another process while the service runs: the queue is shared through the database.
        using (var submit = kit.Start("submit.log", "submit", spec, "--set", "train.epochs=20", "--workspace", kit.Workspace.Root))
        {
            await submit.WaitForExitAsync();
            Assert.True(submit.ExitCode == 0, File.ReadAllText(Path.Combine(kit.Dir, "submit.log")));
        }
        var ids = kit.Queue.List().Select(r => r.Id).ToList();
        Assert.Equal(4, ids.Count);

        // SIGTERM: the running runs checkpoint and stop, go back to the queue, and the service exits 0.
        await ServiceTestKit.Until(() => ids.Count(kit.HasCheckpoint) >= 1, "a first checkpoint");
        Process.Start("kill", ["-TERM", service.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        await service.WaitForExitAsync();
        Assert.True(service.ExitCode == 0, File.ReadAllText(Path.Combine(kit.Dir, "serve1.log")));
        Assert.Empty(kit.Queue.List(RunState.Running));
        Assert.All(kit.Queue.List(), r => Assert.Equal(0, r.Attempts));

        // kill -9 mid-sweep: the runs it launched keep going and are adopted by the next service.
        service = Serve("serve2.log");
        await ServiceTestKit.Until(() => kit.Queue.List(RunState.Running).Count(r => r.Pid is not null) == 2, "two running runs");
        service.Kill();
        await service.WaitForExitAsync();
        service = Serve("serve3.log");
        await ServiceTestKit.Until(kit.Idle, "every run to finish");
        Process.Start("kill", ["-TERM", service.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        await service.WaitForExitAsync();
        Assert.Equal(0, service.ExitCode);

        foreach (var run in kit.Queue.List())
        {
            Assert.Equal(RunState.Completed, run.State);
            Assert.Single(run.History, h => h.EndsWith("completed", StringComparison.Ordinal));
            var log = kit.RunLog(run.Id);
            // Exactly once: every epoch of every run was trained one time, across stops and restarts.
            for (var epoch = 1; epoch <= 20; epoch++)
                Assert.True(Regex.Count(log, $@"epoch {epoch}/20 done") == 1, $"{run.Id} epoch {epoch}:\n{log}");
        }
        Assert.Contains("adopted", File.ReadAllText(Path.Combine(kit.Dir, "serve3.log")), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        // The services' logs tell what happened when this test fails or is slow.
        foreach (var log in Directory.GetFiles(kit.Dir, "serve*.log").Order(StringComparer.Ordinal))
            output.WriteLine($"--- {Path.GetFileName(log)}\n{File.ReadAllText(log)}");
        kit.Dispose();
    }
}
