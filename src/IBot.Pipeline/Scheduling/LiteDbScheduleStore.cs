namespace IBot.Pipeline.Scheduling;

/// <summary>Schedules as a <c>schedules</c> collection next to the queue.</summary>
public sealed class LiteDbScheduleStore(QueueDatabase database) : IScheduleStore
{
    private const string Schedules = "schedules";

    public void Add(ScheduleEntry entry) => database.Write(db => db.GetCollection<ScheduleEntry>(Schedules).Insert(entry));

    public bool Remove(string id) => database.Change(db => db.GetCollection<ScheduleEntry>(Schedules).Delete(id), () => false);

    public IReadOnlyList<ScheduleEntry> List() => database.Read(db =>
        (IReadOnlyList<ScheduleEntry>)db.GetCollection<ScheduleEntry>(Schedules).FindAll().OrderBy(s => s.CreatedAt).ToList(), () => []);

    public bool ClaimFire(string id, DateTime fireTime) => database.Change(db =>
    {
        var schedules = db.GetCollection<ScheduleEntry>(Schedules);
        if (schedules.FindById(id) is not { } entry || entry.LastFireDue?.ToUniversalTime() >= fireTime.ToUniversalTime()) return false;
        entry.LastFireDue = fireTime.ToUniversalTime();
        entry.LastFiredAt = DateTime.UtcNow;
        schedules.Update(entry);
        return true;
    }, () => false);

    public void MarkFired(string id, DateTime at) => database.Write(db =>
    {
        var schedules = db.GetCollection<ScheduleEntry>(Schedules);
        if (schedules.FindById(id) is { } entry)
        {
            entry.LastFiredAt = at;
            schedules.Update(entry);
        }
    });
}
