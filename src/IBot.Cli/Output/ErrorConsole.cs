using Spectre.Console;

namespace IBot.Cli.Output;

/// <summary>
/// Where error and warning lines go: standard error, apart from a command's output on standard output,
/// so that <c>--json</c> output stays parseable and a pipe carries only results. Lines are written as
/// they are (no markup, no wrapping at the console width): one problem, one line.
/// </summary>
public sealed class ErrorConsole(IAnsiConsole console)
{
    public IAnsiConsole Console => console;

    public void Error(string message) => JsonOutput.Line(console, "error: " + OneLine(message));

    public void Warning(string message) => JsonOutput.Line(console, "warning: " + OneLine(message));

    /// <summary>A line that is part of an error already reported (a spec error's position, a caret).</summary>
    public void Line(string text) => JsonOutput.Line(console, text);

    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
