using System.Text;

namespace IBot.Pipeline.Specs;

/// <summary>Writes a spec tree back as block YAML in document order (lists of scalars in flow style).</summary>
public static class SpecYamlWriter
{
    public static string Write(SpecNode root)
    {
        var sb = new StringBuilder();
        WriteNode(sb, root, 0, inline: false);
        return sb.ToString();
    }

    private static void WriteNode(StringBuilder sb, SpecNode node, int indent, bool inline)
    {
        switch (node)
        {
            case SpecMapping { Entries.Count: 0 }:
                sb.Append("{}\n");
                break;
            case SpecMapping m:
                if (inline) sb.Append('\n');
                foreach (var (key, value) in m.Entries)
                {
                    sb.Append(' ', indent).Append(Scalar(key.Value, false)).Append(':');
                    if (value is SpecScalar || (value is SpecSequence seq && seq.Items.All(i => i is SpecScalar)))
                    {
                        sb.Append(' ');
                        WriteNode(sb, value, indent + 2, inline: true);
                    }
                    else WriteNode(sb, value, indent + 2, inline: true);
                }
                break;
            case SpecSequence s when s.Items.All(i => i is SpecScalar):
                sb.Append('[').Append(string.Join(", ", s.Items.Cast<SpecScalar>().Select(i => Scalar(i.Value, i.Quoted)))).Append("]\n");
                break;
            case SpecSequence s:
                if (inline) sb.Append('\n');
                foreach (var item in s.Items)
                {
                    sb.Append(' ', indent).Append("- ");
                    if (item is SpecMapping im && im.Entries.Count > 0)
                    {
                        var inner = new StringBuilder();
                        WriteNode(inner, item, indent + 2, inline: false);
                        sb.Append(inner.ToString()[(indent + 2)..]);
                    }
                    else WriteNode(sb, item, indent + 2, inline: true);
                }
                break;
            case SpecScalar scalar:
                sb.Append(Scalar(scalar.Value, scalar.Quoted)).Append('\n');
                break;
        }
    }

    private static string Scalar(string value, bool quoted)
    {
        var needsQuotes = quoted || value.Length == 0 || value.IndexOfAny([':', '#', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`']) >= 0
            || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]);
        return needsQuotes ? "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'" : value;
    }
}
