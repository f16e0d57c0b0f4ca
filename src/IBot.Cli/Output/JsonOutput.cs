using System.Text.Json;
using IBot.Pipeline.Documents;
using Spectre.Console;

namespace IBot.Cli.Output;

/// <summary>Machine-readable output: the engine's documents as indented JSON (<see cref="DocumentJson.Console"/>).</summary>
public static class JsonOutput
{
    /// <summary>A line as is: no markup, no wrapping at the console width (file:line:col
    /// messages and paths must stay greppable).</summary>
    public static void Line(IAnsiConsole console, string text)
    {
        console.Profile.Out.Writer.WriteLine(text);
        console.Profile.Out.Writer.Flush();
    }

    public static void Write<T>(IAnsiConsole console, T value)
    {
        foreach (var line in JsonSerializer.Serialize(value, DocumentJson.Console).Split('\n'))
            console.Profile.Out.Writer.WriteLine(line.TrimEnd('\r'));
        console.Profile.Out.Writer.Flush();
    }
}
