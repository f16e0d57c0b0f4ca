using IBot.Pipeline.Tests.Lineage;

namespace IBot.Pipeline.Postgres.Tests;

/// <summary>The query language compiled to SQL: the same suite, the same answers as the LiteDB file.</summary>
public sealed class PgQueryLanguageTests(QueryLanguageTests<PgStoreKind>.Runs runs) : QueryLanguageTests<PgStoreKind>(runs);
