using System.Text.Encodings.Web;
using System.Text.Json;

namespace IBot.Pipeline.Documents;

/// <summary>
/// How the read commands' JSON documents are written, wherever they go: snake_case property names,
/// dictionary keys as they are (metric and param names), values typed. The command line writes them
/// indented with readable text (<c>"a > 1"</c>); the web UI's API writes them compact with HTML-sensitive
/// characters escaped (<c>\u003C</c>), which is the same JSON to any parser and safe from sniffing.
/// </summary>
public static class DocumentJson
{
    /// <summary>For a terminal: indented (short lines, so console wrapping never splits a value), text unescaped.</summary>
    public static readonly JsonSerializerOptions Console = Create(indented: true, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    /// <summary>For HTTP responses: compact, and <c>&lt; &gt; &amp; '</c> escaped.</summary>
    public static readonly JsonSerializerOptions Web = Create(indented: false, JavaScriptEncoder.Default);

    private static JsonSerializerOptions Create(bool indented, JavaScriptEncoder encoder)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = indented,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Encoder = encoder,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>A run state or kind as the documents spell it: <c>completed</c>, <c>training</c>.</summary>
    public static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
