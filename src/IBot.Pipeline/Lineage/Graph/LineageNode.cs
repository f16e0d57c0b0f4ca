namespace IBot.Pipeline.Lineage.Graph;

/// <summary>A node of a lineage tree: what it is, how it relates to its parent in the tree, and
/// what hangs below it. <see cref="Repeated"/> marks a node already shown elsewhere in the tree
/// (graphs have diamonds and, with resumes, cycles), whose children are not repeated.</summary>
public sealed record LineageNode(string Id, string Kind, string Label, string? Relation, IReadOnlyList<LineageNode> Children, bool Repeated = false);
