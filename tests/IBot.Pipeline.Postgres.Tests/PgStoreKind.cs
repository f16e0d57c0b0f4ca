using IBot.Pipeline.Lineage;
using IBot.Pipeline.Tests.Lineage;

namespace IBot.Pipeline.Postgres.Tests;

/// <summary>A new database of this process's PostgreSQL cluster for each store.</summary>
public sealed class PgStoreKind : ILineageStoreKind
{
    public void SkipUnlessAvailable() => PostgresServer.SkipUnlessAvailable();

    public ILineageStore Open(string folder) => new PgLineageStore(new PgDatabase(PostgresServer.Shared.NewDatabase()));
}
