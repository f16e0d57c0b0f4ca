namespace IBot.Pipeline.Scheduling;

/// <summary>Cron schedules of specs, shared by <c>ibot submit</c>, <c>ibot schedules</c> and the service.</summary>
public interface IScheduleStore
{
    void Add(ScheduleEntry entry);

    bool Remove(string id);

    IReadOnlyList<ScheduleEntry> List();

    void MarkFired(string id, DateTime at);

    /// <summary>Records the fire of schedule <paramref name="id"/> due at <paramref name="fireTime"/> (its
    /// <see cref="ScheduleEntry.LastFireDue"/>, and now as its <see cref="ScheduleEntry.LastFiredAt"/>) unless a fire
    /// due at or after that time is already recorded, atomically: true for the one caller that gets to submit it.
    /// Every node of a cluster has the cron trigger; only the claim's winner submits, so a fire time submits once.</summary>
    bool ClaimFire(string id, DateTime fireTime);
}
