using IBot.Pipeline.Lineage.Graph;

namespace IBot.Pipeline.Documents;

/// <summary>A node of a lineage tree in <see cref="LineageDocument"/>, with its children.</summary>
public sealed record LineageNodeDocument(string Id, string Kind, string Label, string? Relation, bool Repeated, IReadOnlyList<LineageNodeDocument> Children)
{
    public static LineageNodeDocument Of(LineageNode n) => new(n.Id, n.Kind, n.Label, n.Relation, n.Repeated, n.Children.Select(Of).ToList());
}
