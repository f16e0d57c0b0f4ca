using IBot.Pipeline.Scheduling;
using Npgsql;
using IBot.Pipeline.Hosting;
using Quartz;

namespace IBot.Pipeline.Postgres;

/// <summary>
/// The cluster's cron triggers in Quartz's own tables (<c>qrtz_*</c>) of ibot's database, reached through
/// Npgsql with the store's connection string (no password: <c>PGPASSWORD</c> or <c>.pgpass</c>). Quartz
/// creates its tables on a node's first start; ibot's migrations never touch them, and Quartz's never
/// touch ibot's.
/// </summary>
public sealed class PgClusterTriggers(PgDatabase database) : IClusterTriggerStore
{
    private const string NotCreated = "Quartz clustered job store, tables qrtz_* not created yet (the first node's start creates them)";

    public void Configure(IPersistentStoreBuilder store) => store.UsePostgres(NpgsqlFactory.Instance, database.ConnectionString);

    public string Check(string schedulerName) => database.Run(false, (connection, _) =>
    {
        using (var exists = new NpgsqlCommand("SELECT to_regclass('qrtz_scheduler_state') IS NOT NULL", connection))
            if (!(bool)exists.ExecuteScalar()!) return NotCreated;
        using var command = new NpgsqlCommand(
            "SELECT instance_name, (extract(epoch FROM now()) * 1000)::bigint - last_checkin_time FROM qrtz_scheduler_state WHERE sched_name = $1 ORDER BY instance_name",
            connection);
        command.Parameters.AddWithValue(schedulerName);
        using var reader = command.ExecuteReader();
        var nodes = new List<string>();
        while (reader.Read()) nodes.Add($"{reader.GetString(0)} {Math.Max(0, reader.GetInt64(1)) / 1000.0:F0} s ago");
        return $"Quartz clustered job store, tables qrtz_*; nodes checked in: {(nodes.Count == 0 ? "none" : string.Join(", ", nodes))}";
    }, () => NotCreated,
        (message, inner) => new QueueStoreException(message, inner));
}
