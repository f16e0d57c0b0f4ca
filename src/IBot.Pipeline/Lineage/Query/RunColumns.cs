using System.Globalization;
using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Lineage.Query;

/// <summary>
/// The <c>params.KEY</c> and <c>metrics.NAME[.min|.max|.best]</c> columns of a runs table: those a query names
/// (so <c>ibot runs</c> and the web UI show what was filtered or sorted on) and a run's cell in each.
/// </summary>
public static class RunColumns
{
    /// <summary>The params and metrics fields named in <paramref name="where"/> and <paramref name="sort"/>, each once, in order.</summary>
    public static IReadOnlyList<string> Named(string? where, string? sort) =>
        QueryLexer.Tokenize($"{where} {sort?.TrimStart('-')}")
            .Where(t => t.Kind == TokenKind.Identifier && IsColumn(t.Text))
            .Select(t => t.Text).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Whether <paramref name="key"/> names a params or metrics column.</summary>
    public static bool IsColumn(string key) =>
        (key.StartsWith(RunFields.Params, StringComparison.Ordinal) && key.Length > RunFields.Params.Length)
        || (key.StartsWith(RunFields.Metrics, StringComparison.Ordinal) && key.Length > RunFields.Metrics.Length);

    /// <summary>The run's value in the column as text (numbers of metrics to 4 decimals); empty when it has none.</summary>
    public static string Cell(RunRecord run, string key)
    {
        if (key.StartsWith(RunFields.Params, StringComparison.Ordinal))
            return run.Params.TryGetValue(key[RunFields.Params.Length..], out var p) ? p.Format() : "";
        var name = key[RunFields.Metrics.Length..];
        var dot = name.LastIndexOf('.');
        var suffix = dot > 0 ? name[(dot + 1)..] : "";
        if (suffix is "last" or "min" or "max" or "best") name = name[..dot];
        if (!run.Metrics.TryGetValue(name, out var m)) return "";
        var value = suffix switch { "min" => m.Min, "max" => m.Max, "best" => m.Best(name), _ => m.Last };
        return value.ToString("0.####", CultureInfo.InvariantCulture);
    }
}
