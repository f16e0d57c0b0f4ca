namespace IBot.Pipeline.Specs;

/// <summary>One problem in a spec, with where it is.</summary>
public sealed record SpecError(SourceLocation Location, string Message)
{
    /// <summary><c>file:line:col: message</c> on one line (<see cref="OneLine"/>).</summary>
    public override string ToString() => OneLine.Escape($"{Location}: {Message}");
}

/// <summary>A spec that cannot be used; carries every error found, not only the first.</summary>
public sealed class SpecException(IReadOnlyList<SpecError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<SpecError> Errors { get; } = errors;
}
