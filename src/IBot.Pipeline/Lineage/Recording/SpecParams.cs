using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Lineage.Recording;

/// <summary>
/// A resolved spec's leaves by dotted key, typed as the canonical spec types them (unquoted
/// numbers are numbers, quoted text stays text). List items are numbered:
/// <c>masking.ratio.0</c>, <c>objectives.0.lambda_cls</c>, <c>evaluate.1.kind</c>.
/// </summary>
public static class SpecParams
{
    public static SortedDictionary<string, LineageValue> Flatten(SpecNode root)
    {
        var result = new SortedDictionary<string, LineageValue>(StringComparer.Ordinal);
        Walk(root, "", result);
        return result;
    }

    private static void Walk(SpecNode node, string prefix, SortedDictionary<string, LineageValue> into)
    {
        switch (node)
        {
            case SpecMapping m:
                foreach (var (key, value) in m.Entries) Walk(value, Join(prefix, key.Value), into);
                break;
            case SpecSequence s:
                for (var i = 0; i < s.Items.Count; i++) Walk(s.Items[i], Join(prefix, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), into);
                break;
            case SpecScalar { IsNull: true }:
                break;
            case SpecScalar scalar when scalar.TryBool(out var b):
                into[prefix] = LineageValue.Of(b);
                break;
            case SpecScalar scalar when scalar.TryDouble(out var d) && double.IsFinite(d):
                into[prefix] = LineageValue.Of(d);
                break;
            case SpecScalar scalar:
                into[prefix] = LineageValue.Of(scalar.Value);
                break;
        }
    }

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : prefix + "." + key;
}
