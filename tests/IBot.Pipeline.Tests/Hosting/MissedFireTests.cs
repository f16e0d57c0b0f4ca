using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;

namespace IBot.Pipeline.Tests.Hosting;

public class MissedFireTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static ScheduleEntry Entry(string cron, DateTime created, DateTime? lastFired = null) =>
        new() { Id = "s", Cron = cron, CreatedAt = created, LastFiredAt = lastFired };

    [Fact]
    public void A_fire_time_passed_since_the_last_fire_is_missed()
    {
        // Every hour on the hour; last fired 3 hours ago: the first missed fire is reported, once.
        var missed = ScheduleSyncJob.MissedFire(Entry("0 0 * * * ?", Now.UtcDateTime.AddDays(-7), Now.UtcDateTime.AddHours(-3)), Now);
        Assert.Equal(Now.AddHours(-2), missed);
    }

    [Fact]
    public void A_schedule_that_never_fired_counts_from_its_creation()
    {
        Assert.Equal(Now.AddHours(-1), ScheduleSyncJob.MissedFire(Entry("0 0 * * * ?", Now.UtcDateTime.AddMinutes(-90)), Now));
        Assert.Null(ScheduleSyncJob.MissedFire(Entry("0 0 * * * ?", Now.UtcDateTime.AddMinutes(-30)), Now));
    }

    [Fact]
    public void Nothing_is_missed_when_the_next_fire_is_still_ahead()
    {
        Assert.Null(ScheduleSyncJob.MissedFire(Entry("0 0 * * * ?", Now.UtcDateTime.AddDays(-7), Now.UtcDateTime.AddMinutes(-10)), Now));
        // A yearly schedule that fired in January has nothing to catch up in December.
        Assert.Null(ScheduleSyncJob.MissedFire(Entry("0 0 0 1 1 ?", Now.UtcDateTime.AddYears(-2), new DateTime(2026, 1, 1, 0, 0, 5, DateTimeKind.Utc)), Now));
    }

    [Fact]
    public void Stored_local_times_are_read_as_the_instants_they_are()
    {
        // LiteDB hands dates back in local time; the instant is what counts.
        var lastFired = Now.UtcDateTime.AddHours(-3).ToLocalTime();
        Assert.Equal(Now.AddHours(-2), ScheduleSyncJob.MissedFire(Entry("0 0 * * * ?", lastFired, lastFired), Now));
    }
}
