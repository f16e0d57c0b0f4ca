namespace IBot.Pipeline.Lineage.Query;

/// <summary>A query that cannot run: the message names the 1-based column of the offending
/// token, so the command line can point at it. It is one line: a quoted string that holds a
/// line break is shown escaped.</summary>
public sealed class QueryException(string text, int column, string problem, string option = "--where")
    : ArgumentException(Specs.OneLine.Escape($"{option}: column {column}: {problem}"))
{
    /// <summary>The command-line option the text came from (<c>--where</c>, <c>--sort</c>).</summary>
    public string Option { get; } = option;

    /// <summary>The expression as given.</summary>
    public string Text { get; } = text;

    /// <summary>1-based position of the problem in <see cref="Text"/> (one past the end for "unexpected end").</summary>
    public int Column { get; } = column;

    public string Problem { get; } = problem;
}
