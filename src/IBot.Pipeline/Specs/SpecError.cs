namespace IBot.Pipeline.Specs;

/// <summary>One problem in a spec, with where it is.</summary>
public sealed record SpecError(SourceLocation Location, string Message)
{
    /// <summary><c>file:line:col: message</c> on one line: line breaks and other control characters
    /// that a message quotes from the spec (<c>"a\nb"</c> is a legal key) are shown escaped.</summary>
    public override string ToString() => OneLine($"{Location}: {Message}");

    private static string OneLine(string text)
    {
        if (!text.Any(c => char.IsControl(c) && c != '\t')) return text;
        var line = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
            line.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        return line.ToString();
    }
}

/// <summary>A spec that cannot be used; carries every error found, not only the first.</summary>
public sealed class SpecException(IReadOnlyList<SpecError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<SpecError> Errors { get; } = errors;
}
