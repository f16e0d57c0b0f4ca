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
        var (code, output) = await ServiceTestKit.Command("validate", bad);
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

    [Fact]
    public async Task A_fire_missed_while_no_service_ran_is_made_up_once()
    {
        // New Year's midnight, last fired two years ago: at least one fire was missed.
        var spec = kit.WriteSpec("yearly.yaml", "schedule: \"0 0 0 1 1 ?\"");
        var (code, output) = await kit.Cli("submit", spec, "--json");
        Assert.True(code == 0, output);
        string id;
        using (var json = JsonDocument.Parse(output)) id = json.RootElement.GetProperty("schedule_id").GetString()!;
        var schedules = new LiteDbScheduleStore(new QueueDatabase(kit.Workspace.QueueDatabase));
        schedules.MarkFired(id, DateTime.UtcNow.AddYears(-2));

        using (var host = kit.Host(slots: 1))
        {
            await host.StartAsync();
            await ServiceTestKit.Until(() => kit.Queue.List().Count >= 1, "the missed fire to be made up", seconds: 60);
            await Task.Delay(2000);
            Assert.Single(kit.Queue.List());                      // once, not once per missed year
            foreach (var r in kit.Queue.List(RunState.Queued)) await kit.Cli("cancel", r.Id);
            await ServiceTestKit.Until(kit.Idle, "the fired run to end");
            await host.StopAsync();
        }
        var fired = schedules.List().Single(s => s.Id == id).LastFiredAt!.Value.ToUniversalTime();
        Assert.True(DateTime.UtcNow - fired < TimeSpan.FromMinutes(5), $"last fired {fired:O}");

        // A restart now has nothing to make up.
        using (var host = kit.Host(slots: 1))
        {
            await host.StartAsync();
            await Task.Delay(2000);
            await host.StopAsync();
        }
        Assert.Single(kit.Queue.List());
    }

    public void Dispose() => kit.Dispose();
}
