namespace IBot.Pipeline.Scheduling;

/// <summary>Cron schedules of specs, shared by <c>ibot submit</c>, <c>ibot schedules</c> and the service.</summary>
public interface IScheduleStore
{
    void Add(ScheduleEntry entry);

    bool Remove(string id);

    IReadOnlyList<ScheduleEntry> List();

    void MarkFired(string id, DateTime at);
}
