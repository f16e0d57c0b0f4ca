using IBot.Pipeline.Scheduling;
using Npgsql;
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
    public void Configure(IPersistentStoreBuilder store) => store.UsePostgres(NpgsqlFactory.Instance, database.ConnectionString);

    public string Describe() => $"{database.Location.Url}, tables qrtz_*";
}
