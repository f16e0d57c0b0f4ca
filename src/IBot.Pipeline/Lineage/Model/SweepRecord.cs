namespace IBot.Pipeline.Lineage.Model;

/// <summary>A sweep: one spec expanded into many runs (linked by <see cref="RelationKinds.Expands"/>).</summary>
/// <remarks>Id: <c>sweep:</c> and a name unique in the workspace.</remarks>
public sealed record SweepRecord(string Id, string Name, string SpecHash, DateTime Created);
