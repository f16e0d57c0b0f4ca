namespace IBot.Pipeline.Lineage.Query;

/// <summary>What <c>ibot runs</c> asks for: a filter, a sort key, a limit and (for pages of the web UI) an offset.</summary>
/// <remarks>Where: The expression (<see cref="QueryParser"/>); empty matches every run.</remarks>
/// <remarks>Sort: A field, <c>-field</c> or <c>field desc</c> for descending; default newest first.</remarks>
/// <remarks>Limit: At most this many runs come back (the match count is reported in full).</remarks>
/// <remarks>Offset: How many matching runs, in sort order, to pass over first (a page of a long list).</remarks>
public sealed record RunQuery(string? Where = null, string? Sort = null, int Limit = 50, int Offset = 0)
{
    public const string DefaultSort = "-created";
}
