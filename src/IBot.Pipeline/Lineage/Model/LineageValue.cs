using System.Globalization;

namespace IBot.Pipeline.Lineage.Model;

/// <summary>
/// A parameter, metric or run field as the query language sees it: a number, text, a boolean, or
/// missing. Numbers compare numerically, so <c>5e-4</c> and <c>0.0005</c> are one value, as in the
/// canonical spec.
/// </summary>
public readonly record struct LineageValue(LineageValueKind Kind, double Number, string? Text)
{
    public static LineageValue Missing => default;

    public static LineageValue Of(double number) => new(LineageValueKind.Number, number, null);

    public static LineageValue Of(string text) => new(LineageValueKind.Text, 0, text);

    public static LineageValue Of(bool value) => new(LineageValueKind.Bool, value ? 1 : 0, null);

    public bool IsMissing => Kind == LineageValueKind.Missing;

    public bool AsBool => Kind == LineageValueKind.Bool && Number != 0;

    /// <summary>Total order used for sorting: missing first, then booleans, numbers, text.
    /// Comparisons in queries never cross kinds (see <see cref="TryCompare"/>).</summary>
    public static int Order(LineageValue a, LineageValue b)
    {
        if (a.Kind != b.Kind) return a.Kind.CompareTo(b.Kind);
        return a.Kind == LineageValueKind.Text ? string.CompareOrdinal(a.Text, b.Text) : a.Number.CompareTo(b.Number);
    }

    /// <summary>Compares two present values of the same kind; false when either is missing or the kinds differ.</summary>
    public static bool TryCompare(LineageValue a, LineageValue b, out int order)
    {
        order = 0;
        if (a.IsMissing || b.IsMissing || a.Kind != b.Kind) return false;
        order = Order(a, b);
        return true;
    }

    public string Format() => Kind switch
    {
        LineageValueKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        LineageValueKind.Text => Text!,
        LineageValueKind.Bool => AsBool ? "true" : "false",
        _ => "",
    };

    public override string ToString() => Format();
}
