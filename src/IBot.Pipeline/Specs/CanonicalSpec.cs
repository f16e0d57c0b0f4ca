using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace IBot.Pipeline.Specs;

/// <summary>
/// The canonical form of a composed spec: JSON with keys sorted (ordinal), scalars typed as
/// YAML reads them (quoted text stays text), numbers normalised (<c>5.0e-4</c>, <c>0.0005</c> and
/// <c>5e-04</c> are one number; integers stay integers). Equal experiments hash equally
/// however they were written, extended or overridden.
/// </summary>
public static class CanonicalSpec
{
    public static string Json(SpecNode root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, root);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Hash(SpecNode root) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Json(root))));

    private static void Write(Utf8JsonWriter writer, SpecNode node)
    {
        switch (node)
        {
            case SpecMapping m:
                writer.WriteStartObject();
                foreach (var (key, value) in m.Entries.OrderBy(e => e.Key.Value, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key.Value);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case SpecSequence s:
                writer.WriteStartArray();
                foreach (var item in s.Items) Write(writer, item);
                writer.WriteEndArray();
                break;
            case SpecScalar { IsNull: true }:
                writer.WriteNullValue();
                break;
            case SpecScalar scalar when scalar.TryBool(out var b):
                writer.WriteBooleanValue(b);
                break;
            case SpecScalar scalar when scalar.TryLong(out var l):
                writer.WriteNumberValue(l);
                break;
            case SpecScalar scalar when scalar.TryDouble(out var d) && double.IsFinite(d):
                if (d == Math.Floor(d) && Math.Abs(d) < 1e15) writer.WriteNumberValue((long)d);
                else writer.WriteRawValue(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case SpecScalar scalar:
                writer.WriteStringValue(scalar.Value);
                break;
        }
    }
}
