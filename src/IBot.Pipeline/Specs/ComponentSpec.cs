namespace IBot.Pipeline.Specs;

/// <summary>A component section before binding: its <c>kind</c> and its YAML, options bound
/// later by the registry with the kind's own options type.</summary>
public sealed record ComponentSpec(string Kind, SpecMapping Node)
{
    public SourceLocation Location => Node.Location;

    public SourceLocation KindLocation => Node["kind"]?.Location ?? Node.Location;
}
