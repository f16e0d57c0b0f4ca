namespace IBot.Pipeline.Abstractions.Components;

/// <summary>The YAML key of an option when it is not the property name in snake_case.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>A problem an options object finds in itself, with the option's key path
/// (e.g. <c>scale</c>, <c>global_crops.size</c>) so the engine can point at the YAML.</summary>
public sealed record OptionError(string Path, string Message);

/// <summary>Options with checks beyond types and ranges (relations between their own fields).</summary>
public interface IValidatableOptions
{
    IEnumerable<OptionError> Validate();
}
