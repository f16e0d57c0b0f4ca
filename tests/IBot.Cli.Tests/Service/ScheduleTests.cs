using System.Text.Json;
using IBot.Pipeline.Scheduling;

namespace IBot.Cli.Tests.Service;

public sealed class ScheduleTests : IDisposable
{
    private readonly ServiceTestKit kit = new();

    [Fact]
    public async Task A_scheduled_spec_is_stored_fired_by_the_service_as_its_sweep_and_removed_through_the_cli()
    {
        var bad = kit.WriteSpec("bad.yaml", "schedule: \"every night\"");
        var (code, output) = await kit.Cli("validate", bad);
        Assert.Equal(2, code);
        Assert.True(output.Contains("bad.yaml:22:11: schedule: 'every night' is not a Quartz cron expression", StringComparison.Ordinal), output);

        var spec = kit.WriteSpec("nightly.yaml", """
            schedule: "0/2 * * * * ?"
            sweep: { grid: { seed: [1, 2] } }
            """);
        (code, output) = await kit.Cli("submit", spec, "--set", "train.epochs=1", "--json");
        Assert.True(code == 0, output);
        string id;
        using (var json = JsonDocument.Parse(output)) id = json.RootElement.GetProperty("schedule_id").GetString()!;
        Assert.Empty(kit.Queue.List());
        (code, output) = await kit.Cli("schedules");
        Assert.Equal(0, code);
        Assert.Contains(id, output, StringComparison.Ordinal);

        using var host = kit.Host(slots: 1);
        await host.StartAsync();
        // Each fire queues the whole sweep: two runs with the override applied.
        await ServiceTestKit.Until(() => kit.Queue.List().Count >= 2, "the schedule to fire", seconds: 60);
        (code, output) = await kit.Cli("schedules", "remove", id);
        Assert.True(code == 0, output);
        await Task.Delay(1000);
        var fired = kit.Queue.List().Count;
        await Task.Delay(3000);
        Assert.Equal(fired, kit.Queue.List().Count);
        Assert.Equal(0, fired % 2);
        foreach (var r in kit.Queue.List(RunState.Queued)) await kit.Cli("cancel", r.Id);
        await ServiceTestKit.Until(kit.Idle, "the fired runs to end");
        await host.StopAsync();
        Assert.All(kit.Queue.List(), r => Assert.Contains(r.Name, new[] { "tiny service-1", "tiny service-2" }));
        Assert.Contains("epochs: 1", File.ReadAllText(Path.Combine(kit.Workspace.RunFolder(kit.Queue.List()[0].Id), "spec.yaml")), StringComparison.Ordinal);
        Assert.Equal(2, (await kit.Cli("schedules", "remove", id)).Code);
    }

    public void Dispose() => kit.Dispose();
}
