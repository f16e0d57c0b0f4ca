using IBot.Cli.Output;
using IBot.Pipeline.Vision.Runs;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Output;

public class ConsoleRunObserverTests
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static StepReport Report(int epoch, int iteration, int perEpoch) =>
        new(epoch, iteration, perEpoch, (long)epoch * perEpoch + iteration, 1, 0.5, 0.5, 1e-4, 0.04, 0.996, 60);

    private static string LastLine(StringWriter log) => log.ToString().TrimEnd().Split('\n')[^1];

    [Fact]
    public void Eta_runs_at_the_pace_of_the_steps_not_of_the_time_before_them()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero));
        var log = new StringWriter();
        var observer = new ConsoleRunObserver(new TestConsole(), log, quiet: true, clock);
        observer.Started(epochs: 2, iterationsPerEpoch: 100, startEpoch: 0, startIteration: 0);
        // Set-up and the initial evaluation: ten minutes that say nothing about a step's cost.
        clock.Now += TimeSpan.FromMinutes(10);
        observer.Step(Report(0, 9, 100));
        Assert.EndsWith("ETA --:--:--", LastLine(log));
        // Then 10 iterations in 20 s: 180 iterations are left at 2 s each.
        clock.Now += TimeSpan.FromSeconds(20);
        observer.Step(Report(0, 19, 100));
        Assert.EndsWith("ETA 00:06:00", LastLine(log));
    }

    [Fact]
    public void Eta_of_a_resumed_run_counts_only_what_is_left()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var log = new StringWriter();
        var observer = new ConsoleRunObserver(new TestConsole(), log, quiet: true, clock);
        observer.Started(epochs: 300, iterationsPerEpoch: 1000, startEpoch: 299, startIteration: 299_000);
        observer.Step(Report(299, 99, 1000));
        clock.Now += TimeSpan.FromSeconds(100);
        observer.Step(Report(299, 199, 1000));
        Assert.EndsWith("ETA 00:13:20", LastLine(log));
    }

    [Fact]
    public void Eta_hours_are_not_wrapped_at_a_day()
    {
        Assert.Equal("27:03:04", ConsoleRunObserver.FormatEta(new TimeSpan(1, 3, 3, 4)));
        Assert.Equal("--:--:--", ConsoleRunObserver.FormatEta(null));
    }
}
