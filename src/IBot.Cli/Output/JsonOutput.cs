using System.Text.Json;
using Spectre.Console;

namespace IBot.Cli.Output;

/// <summary>Machine-readable output: indented JSON (short lines, so console wrapping never splits a value).</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Queries and paths stay readable: "a > 1", not "a \u003E 1". Output is never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A line as is: no markup, no wrapping at the console width (file:line:col
    /// messages and paths must stay greppable).</summary>
    public static void Line(IAnsiConsole console, string text)
    {
        console.Profile.Out.Writer.WriteLine(text);
        console.Profile.Out.Writer.Flush();
    }

    public static void Write<T>(IAnsiConsole console, T value)
    {
        foreach (var line in JsonSerializer.Serialize(value, Options).Split('\n'))
            console.Profile.Out.Writer.WriteLine(line.TrimEnd('\r'));
        console.Profile.Out.Writer.Flush();
    }
}
