using System.Text;

namespace IBot.Pipeline.Specs;

/// <summary>
/// Error messages are one line: they quote user text (a YAML key may be <c>"a\nb"</c>, a
/// <c>--where</c> string may hold a newline), so line breaks and other control characters in
/// them are shown escaped (<c>\n</c>, <c>\r</c>, <c>\u0000</c>); tabs stay.
/// </summary>
public static class OneLine
{
    public static string Escape(string text)
    {
        if (!text.Any(c => char.IsControl(c) && c != '\t')) return text;
        var line = new StringBuilder(text.Length + 8);
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
