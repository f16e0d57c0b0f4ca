using System.Text.Encodings.Web;

namespace IBot.Web.Html;

/// <summary>Text into HTML: every value from a run, a spec, a query or a log goes through <see cref="E"/>, so a run named
/// <c>&lt;script&gt;</c> is shown, never run (the pages' Content-Security-Policy also refuses inline scripts).</summary>
public static class HtmlText
{
    /// <summary>Escapes text for element content and quoted attribute values.</summary>
    public static string E(string? text) => text is null ? "" : HtmlEncoder.Default.Encode(text);

    /// <summary>Escapes text for a URL's query value or path segment, then for HTML.</summary>
    public static string U(string? text) => E(Uri.EscapeDataString(text ?? ""));
}
