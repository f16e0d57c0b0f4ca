using IBot.Pipeline.Lineage.Query;

namespace IBot.Pipeline.Documents;

/// <summary><c>ibot runs --json</c>: how many runs matched the query, and the runs of the page asked for
/// (<see cref="RunQuery.Offset"/>, <see cref="RunQuery.Limit"/>) as summaries, in sort order.</summary>
public sealed record RunListDocument(int Matched, IReadOnlyList<RunDocument> Runs)
{
    public static RunListDocument Of(RunQueryResult result) => new(result.Matched, result.Runs.Select(r => RunDocument.Of(r, full: false)).ToList());
}
