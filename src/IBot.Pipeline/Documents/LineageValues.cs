using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Documents;

/// <summary>A <see cref="LineageValue"/> as a JSON value: a number, text, a boolean, or null when missing.</summary>
public static class LineageValues
{
    public static object? Json(LineageValue v) => v.Kind switch
    {
        LineageValueKind.Number => v.Number,
        LineageValueKind.Text => v.Text,
        LineageValueKind.Bool => v.AsBool,
        _ => null,
    };
}
