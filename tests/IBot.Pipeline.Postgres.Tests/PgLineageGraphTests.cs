using IBot.Pipeline.Tests.Lineage;

namespace IBot.Pipeline.Postgres.Tests;

/// <summary>The lineage graph and comparison read from PostgreSQL: the same suite as the LiteDB file.</summary>
public sealed class PgLineageGraphTests : LineageGraphTests<PgStoreKind>;
