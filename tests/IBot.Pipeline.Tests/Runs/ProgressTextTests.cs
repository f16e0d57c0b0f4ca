using IBot.Pipeline.Runs;

namespace IBot.Pipeline.Tests.Runs;

public class ProgressTextTests
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly KeyValuePair<string, double>[] IBotLosses =
        [new("loss", 1), new("loss_ibot_loss", 1), new("loss_ibot_loss_cls", 0.5), new("loss_ibot_loss_patch", 0.5)];

    private static StepReport Report(int epoch, int iteration, int perEpoch, IReadOnlyList<KeyValuePair<string, double>>? losses = null) =>
        new(epoch, iteration, perEpoch, (long)epoch * perEpoch + iteration, losses ?? IBotLosses, 1e-4, 0.04, 0.996, 60);

    [Fact]
    public void Eta_runs_at_the_pace_of_the_steps_not_of_the_time_before_them()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero));
        var text = new ProgressText(clock);
        text.Started(epochs: 2, iterationsPerEpoch: 100, startEpoch: 0, startIteration: 0);
        // Set-up and the initial evaluation: ten minutes that say nothing about a step's cost.
        clock.Now += TimeSpan.FromMinutes(10);
        Assert.EndsWith("ETA --:--:--", text.Step(Report(0, 9, 100)));
        // Then 10 iterations in 20 s: 180 iterations are left at 2 s each.
        clock.Now += TimeSpan.FromSeconds(20);
        Assert.EndsWith("ETA 00:06:00", text.Step(Report(0, 19, 100)));
    }

    [Fact]
    public void Eta_of_a_resumed_run_counts_only_what_is_left()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var text = new ProgressText(clock);
        text.Started(epochs: 300, iterationsPerEpoch: 1000, startEpoch: 299, startIteration: 299_000);
        text.Step(Report(299, 99, 1000));
        clock.Now += TimeSpan.FromSeconds(100);
        Assert.EndsWith("ETA 00:13:20", text.Step(Report(299, 199, 1000)));
    }

    [Fact]
    public void Eta_hours_are_not_wrapped_at_a_day()
    {
        Assert.Equal("27:03:04", ProgressText.FormatEta(new TimeSpan(1, 3, 3, 4)));
        Assert.Equal("--:--:--", ProgressText.FormatEta(null));
    }

    [Fact]
    public void One_objective_shows_its_parts_and_several_show_each_term_with_its_parts()
    {
        Assert.Equal("loss 1.0000 (cls 0.5000, patch 0.5000)", ProgressText.Losses(IBotLosses, "F4"));
        KeyValuePair<string, double>[] two = [.. IBotLosses, new("loss_koleo", -0.25)];
        two[0] = new("loss", 0.75);
        Assert.Equal("loss 0.75 (ibot_loss 1.00: cls 0.50, patch 0.50; koleo -0.25)", ProgressText.Losses(two, "F2"));
    }
}
