namespace IBot.Pipeline.Specs;

/// <summary>A component section whose <c>kind</c> may be left out: the spec's <c>train</c> section
/// names the <c>ibot</c> method unless it says otherwise.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultKindAttribute(string kind) : Attribute
{
    public string Kind { get; } = kind;
}
