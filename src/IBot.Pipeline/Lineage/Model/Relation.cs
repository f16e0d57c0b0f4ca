namespace IBot.Pipeline.Lineage.Model;

/// <summary>A directed edge of the lineage graph, from what came first to what was derived from it
/// (<see cref="RelationKinds"/>). Ancestors are found by walking edges backwards, descendants forwards.</summary>
public sealed record Relation(string From, string Kind, string To)
{
    public string Id => $"{From}|{Kind}|{To}";
}
