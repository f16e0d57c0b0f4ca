using IBot.Pipeline.Scheduling;
using Npgsql;

namespace IBot.Pipeline.Postgres;

/// <summary>Schedules as the <c>ibot_schedules</c> table: what <c>ibot submit</c> stores and <c>ibot schedules</c>
/// lists. Every node has a cron trigger per schedule; a fire time is submitted by the node that claims it
/// (<see cref="ClaimFire"/>), so it is submitted once per cluster.</summary>
public sealed class PgScheduleStore(PgDatabase database) : IScheduleStore
{
    private static QueueStoreException Error(string message, Exception? inner) => new(message, inner);

    public void Add(ScheduleEntry entry) => database.Run(true, (c, t) =>
    {
        using var command = new NpgsqlCommand("""
            INSERT INTO ibot_schedules (id, name, cron, spec_yaml, source_path, priority, created_at, last_fired_at)
            VALUES (@id, @name, @cron, @yaml, @source, @priority, @created, @fired)
            """, c, t);
        command.Parameters.AddWithValue("id", entry.Id);
        command.Parameters.AddWithValue("name", entry.Name);
        command.Parameters.AddWithValue("cron", entry.Cron);
        command.Parameters.AddWithValue("yaml", entry.SpecYaml);
        command.Parameters.AddWithValue("source", entry.SourcePath);
        command.Parameters.AddWithValue("priority", entry.Priority);
        command.Parameters.AddWithValue("created", DateTime.SpecifyKind(entry.CreatedAt, DateTimeKind.Utc));
        command.Parameters.Add(PgQueueRows.Nullable("fired", NpgsqlTypes.NpgsqlDbType.TimestampTz, entry.LastFiredAt?.ToUniversalTime()));
        return command.ExecuteNonQuery();
    }, () => 0, Error);

    public bool Remove(string id) => database.Run(false, (c, t) =>
    {
        using var command = new NpgsqlCommand("DELETE FROM ibot_schedules WHERE id = @id", c, t);
        command.Parameters.AddWithValue("id", id);
        return command.ExecuteNonQuery() == 1;
    }, () => false, Error);

    public IReadOnlyList<ScheduleEntry> List() => database.Run<IReadOnlyList<ScheduleEntry>>(false, (c, t) =>
    {
        using var command = new NpgsqlCommand("SELECT id, name, cron, spec_yaml, source_path, priority, created_at, last_fired_at, last_fire_due FROM ibot_schedules ORDER BY created_at, id", c, t);
        using var r = command.ExecuteReader();
        var entries = new List<ScheduleEntry>();
        while (r.Read())
            entries.Add(new ScheduleEntry
            {
                Id = r.GetString(0), Name = r.GetString(1), Cron = r.GetString(2), SpecYaml = r.GetString(3), SourcePath = r.GetString(4),
                Priority = r.GetInt32(5), CreatedAt = r.GetDateTime(6), LastFiredAt = r.IsDBNull(7) ? null : r.GetDateTime(7),
                LastFireDue = r.IsDBNull(8) ? null : r.GetDateTime(8),
            });
        return entries;
    }, () => [], Error);

    public bool ClaimFire(string id, DateTime fireTime) => database.Run(true, (c, t) =>
    {
        // One statement: of nodes claiming the same fire time at once, the row lock lets exactly one update it.
        using var command = new NpgsqlCommand("""
            UPDATE ibot_schedules SET last_fire_due = @at, last_fired_at = now() WHERE id = @id AND (last_fire_due IS NULL OR last_fire_due < @at)
            """, c, t);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("at", DateTime.SpecifyKind(fireTime.ToUniversalTime(), DateTimeKind.Utc));
        return command.ExecuteNonQuery() == 1;
    }, () => false, Error);

    public void MarkFired(string id, DateTime at) => database.Run(true, (c, t) =>
    {
        using var command = new NpgsqlCommand("UPDATE ibot_schedules SET last_fired_at = @at WHERE id = @id", c, t);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("at", DateTime.SpecifyKind(at, DateTimeKind.Utc));
        return command.ExecuteNonQuery();
    }, () => 0, Error);
}
