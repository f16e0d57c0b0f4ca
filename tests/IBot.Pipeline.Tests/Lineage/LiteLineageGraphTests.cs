namespace IBot.Pipeline.Tests.Lineage;

/// <summary>The lineage graph and comparison on the workspace's LiteDB file.</summary>
public sealed class LiteLineageGraphTests : LineageGraphTests<LiteStoreKind>;
