using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Lineage.Query;

/// <summary>
/// The fields a query can name and the stored column each reads. A run's own fields are
/// <c>id name status kind sweep created spec device</c>; <c>params.KEY</c> is a dotted key of the
/// resolved spec; <c>metrics.NAME</c> is the metric's last value, <c>.min</c> / <c>.max</c> its
/// extremes, <c>.best</c> the max (the min for names containing "loss"), <c>.last</c> the same as none.
/// </summary>
public static class RunFields
{
    public static readonly IReadOnlyList<string> Own = ["id", "name", "status", "kind", "sweep", "created", "spec", "device"];

    public const string Params = "params.";
    public const string Metrics = "metrics.";

    /// <summary>The column key for a field token.</summary>
    /// <remarks>baseKey: The key a run must have for the column to exist (<c>metrics.NAME</c> for <c>metrics.NAME.max</c>).</remarks>
    public static string Column(Token field, string text, string option, out string baseKey)
    {
        var name = field.Text;
        if (Own.Contains(name, StringComparer.Ordinal))
        {
            baseKey = name;
            return name;
        }
        if (name.StartsWith(Params, StringComparison.Ordinal) && name.Length > Params.Length)
        {
            baseKey = name;
            return name;
        }
        if (name.StartsWith(Metrics, StringComparison.Ordinal) && name.Length > Metrics.Length)
        {
            var dot = name.LastIndexOf('.');
            var suffix = dot > Metrics.Length - 1 ? name[(dot + 1)..] : "";
            var metric = suffix is "last" or "min" or "max" or "best" ? name[..dot] : name;
            baseKey = metric;
            return suffix switch
            {
                "min" => metric + ".min",
                "max" => metric + ".max",
                "best" => metric + (MetricSummary.LowerIsBetter(metric) ? ".min" : ".max"),
                _ => metric,
            };
        }
        var candidates = Own.Concat(["params.KEY", "metrics.NAME"]);
        throw new QueryException(text, field.Column,
            $"unknown field '{name}'{Suggestions.Hint(name, Own)}; fields are {string.Join(", ", candidates)}", option);
    }

    /// <summary>Turns a literal into the column's value: dates for <c>created</c> (stored as Unix
    /// milliseconds), checked names for <c>status</c> and <c>kind</c>.</summary>
    public static LineageValue Literal(string column, Token literal, string text, string option)
    {
        var value = literal.Kind switch
        {
            TokenKind.Number => LineageValue.Of(literal.Number),
            TokenKind.True => LineageValue.Of(true),
            TokenKind.False => LineageValue.Of(false),
            _ => LineageValue.Of(literal.Text),
        };
        if (column == "created" && value.Kind == LineageValueKind.Text)
        {
            if (!DateTime.TryParse(literal.Text, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                throw new QueryException(text, literal.Column, $"'{literal.Text}' is not a date (use 2026-11-28 or 2026-11-28T05:33:35Z)", option);
            return LineageValue.Of(UnixMilliseconds(at));
        }
        CheckName(column, "status", Enum.GetNames<RunState>(), literal, value, text, option);
        CheckName(column, "kind", Enum.GetNames<RunKind>(), literal, value, text, option);
        return value;
    }

    public static double UnixMilliseconds(DateTime at) => (at.ToUniversalTime() - DateTime.UnixEpoch).TotalMilliseconds;

    private static void CheckName(string column, string field, string[] names, Token literal, LineageValue value, string text, string option)
    {
        if (column != field || literal.Kind != TokenKind.String) return;
        var known = names.Select(n => n.ToLowerInvariant()).ToList();
        if (!known.Contains(value.Text!))
            throw new QueryException(text, literal.Column, $"{field} '{value.Text}' does not exist{Suggestions.Hint(value.Text!, known)}", option);
    }
}
