using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Lineage.Query;

/// <summary>The runs of a query in order, and how many matched before the limit.</summary>
public sealed record RunQueryResult(int Matched, IReadOnlyList<RunRecord> Runs);
