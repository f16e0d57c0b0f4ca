using System.Globalization;
using Quartz;

namespace IBot.Pipeline.Specs;

/// <summary>
/// Checks a spec's <c>schedule</c> before Quartz parses it, in bounded time and memory. Quartz
/// 4.7.3's <see cref="CronExpression"/> keeps 99 and 98 as its internal codes for <c>*</c> and
/// <c>?</c>, and takes the same numbers written in an expression for them, unchecked:
/// <c>99 * * * * ?</c> parsed as "every second", and <c>99-123602099 * * * * ?</c> looped over
/// 123 million values while parsing (40 s, 5 GB allocated; a larger end ran out of memory).
/// So every number is first checked against its field's range; then Quartz parses, and the
/// expression must fire at least once from now on.
/// </summary>
public static class CronCheck
{
    /// <summary>Longest expression accepted; every field listed value by value fits well within it.</summary>
    public const int MaxLength = 512;

    private static readonly (string Name, int Max)[] Fields =
    [
        ("seconds", 59), ("minutes", 59), ("hours", 23), ("day-of-month", 31), ("month", 12), ("day-of-week", 7), ("year", 9999),
    ];

    private const int FirstYear = 1970;

    /// <summary>Why <paramref name="cron"/> cannot be a schedule ("is not a Quartz cron expression: …",
    /// "never fires after …"), or null when it can.</summary>
    public static string? Problem(string cron, DateTimeOffset now)
    {
        if (cron.Length > MaxLength) return NotCron($"it is {cron.Length} characters long; the limit is {MaxLength}");
        var fields = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is < 6 or > 7) return NotCron($"it has {fields.Length} field{(fields.Length == 1 ? "" : "s")}, not 6 or 7");
        for (var f = 0; f < fields.Length; f++)
            if (NumberProblem(fields[f], Fields[f].Name, Fields[f].Max, f == 6) is { } problem) return NotCron(problem);
        CronExpression expression;
        try
        {
            expression = new CronExpression(cron);
        }
        catch (FormatException e)
        {
            return NotCron(e.Message.TrimEnd('.'));
        }
        return expression.GetNextValidTimeAfter(now) is null ? $"never fires after {now.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z" : null;
    }

    private static string NotCron(string reason) =>
        $"is not a Quartz cron expression: {reason} (seconds minutes hours day-of-month month day-of-week [year], e.g. \"0 0 2 * * ?\")";

    // Each run of digits must be within the field's range; in the year field a value (not an
    // increment after '/') must also be a real year, since 98 and 99 would stand for '?' and '*'.
    private static string? NumberProblem(string field, string name, int max, bool year)
    {
        for (var i = 0; i < field.Length; i++)
        {
            if (!char.IsAsciiDigit(field[i])) continue;
            var start = i;
            while (i < field.Length && char.IsAsciiDigit(field[i])) i++;
            var digits = field[start..i];
            var value = digits.Length > 5 ? int.MaxValue : int.Parse(digits, CultureInfo.InvariantCulture);
            var increment = start > 0 && field[start - 1] == '/';
            if (value > max || (year && !increment && value < FirstYear))
                return $"{(digits.Length > 12 ? digits[..12] + "…" : digits)} is out of range for the {name} field ({(year ? FirstYear : 0)}-{max})";
        }
        return null;
    }
}
