using System.Text.Json;
using System.Text.Unicode;

namespace IBot.Pipeline.Vision.Checkpoints;

/// <summary>
/// A safetensors header, parsed and checked against the data that follows it: a JSON object whose
/// <c>__metadata__</c> maps strings to strings and whose every other member describes one tensor
/// (<c>dtype</c>, <c>shape</c>, <c>data_offsets</c> [begin, end) into the data). Each tensor's span
/// must lie inside the data, match its shape and dtype exactly, and overlap no other; anything else
/// is an <see cref="InvalidDataException"/> that says which tensor and what is wrong.
/// </summary>
public sealed class SafeTensorsHeader
{
    private SafeTensorsHeader(IReadOnlyList<Entry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>Tensors in the order of their data.</summary>
    public IReadOnlyList<Entry> Entries { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>One tensor: its name, dtype name, shape and byte span [Begin, End) in the data.</summary>
    public sealed record Entry(string Name, string DType, long[] Shape, long Begin, long End);

    /// <summary>Bytes per element of each dtype this reader supports.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" => 8,
        "F32" or "I32" => 4,
        "F16" or "BF16" => 2,
        "U8" or "BOOL" => 1,
        _ => throw new InvalidDataException($"unsupported dtype '{dtype}' (supported: F64, F32, F16, BF16, I64, I32, U8, BOOL)"),
    };

    /// <summary>Parses <paramref name="json"/>, checking every span against <paramref name="dataLength"/> bytes of data.</summary>
    public static SafeTensorsHeader Parse(ReadOnlyMemory<byte> json, long dataLength)
    {
        if (!Utf8.IsValid(json.Span)) throw new InvalidDataException("header is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"header is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"header is a JSON {root.ValueKind}, not an object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in root.EnumerateObject())
            {
                var name = Text(() => member.Name);
                if (!names.Add(name)) throw new InvalidDataException($"'{name}' appears twice in the header");
                if (name == "__metadata__") ReadMetadata(member.Value, metadata);
                else entries.Add(ReadEntry(name, member.Value, dataLength));
            }
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            for (var i = 1; i < entries.Count; i++)
                if (entries[i].Begin < entries[i - 1].End)
                    throw new InvalidDataException($"tensors '{entries[i - 1].Name}' and '{entries[i].Name}' overlap in the data");
            return new SafeTensorsHeader(entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"__metadata__ is a JSON {value.ValueKind}, not an object");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"__metadata__.{Text(() => item.Name)} is a JSON {item.Value.ValueKind}, not a string");
            metadata[Text(() => item.Name)] = Text(() => item.Value.GetString()!);
        }
    }

    private static Entry ReadEntry(string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"tensor '{name}': a JSON {value.ValueKind}, not an object");
        var dtype = value.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String
            ? Text(() => d.GetString()!)
            : throw new InvalidDataException($"tensor '{name}': no dtype string");
        var size = ElementSize(dtype);
        var shape = Integers(value, "shape", name);
        var offsets = Integers(value, "data_offsets", name);
        if (offsets.Length != 2) throw new InvalidDataException($"tensor '{name}': data_offsets has {offsets.Length} values, not 2");
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin < 0 || end < begin || end > dataLength)
            throw new InvalidDataException($"tensor '{name}': data_offsets [{begin}, {end}] are not a span of the {dataLength} data bytes");
        var count = TorchTypes.ElementCount(shape, $"tensor '{name}'");
        if (count > (end - begin) / size || count * size != end - begin)
            throw new InvalidDataException($"tensor '{name}': shape [{string.Join(", ", shape)}] of {dtype} needs {(count > long.MaxValue / size ? "more than 2^63" : (count * size).ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes, its span holds {end - begin}");
        return new Entry(name, dtype, shape, begin, end);
    }

    /// <summary>A JSON string's text; escapes that decode to invalid UTF-16 (a lone surrogate) are malformed data.</summary>
    private static string Text(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"header holds a string that is not valid text: {e.Message}", e);
        }
    }

    private static string Excerpt(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static long[] Integers(JsonElement value, string property, string name)
    {
        if (!value.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"tensor '{name}': no {property} array");
        var result = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var n) || n < 0)
                throw new InvalidDataException($"tensor '{name}': {property}[{i}] is not a non-negative integer ({Excerpt(item.GetRawText())})");
            result[i++] = n;
        }
        return result;
    }
}
