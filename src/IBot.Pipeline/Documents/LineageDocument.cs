using IBot.Pipeline.Lineage.Graph;

namespace IBot.Pipeline.Documents;

/// <summary><c>ibot lineage ID --json</c>: the resolved id, what it came from (a tree walked backwards) and
/// what was derived from it (forwards).</summary>
public sealed record LineageDocument(string Id, LineageNodeDocument Ancestors, LineageNodeDocument Descendants)
{
    public static LineageDocument Of(string id, LineageGraph graph) =>
        new(id, LineageNodeDocument.Of(graph.Ancestors(id)), LineageNodeDocument.Of(graph.Descendants(id)));
}
