namespace IBot.Pipeline.Tests.Lineage;

/// <summary>The query language on the workspace's LiteDB file.</summary>
public sealed class LiteQueryLanguageTests(QueryLanguageTests<LiteStoreKind>.Runs runs) : QueryLanguageTests<LiteStoreKind>(runs);
