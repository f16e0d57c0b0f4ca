using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using IBot.Pipeline.Lineage.Model;
using LiteDB;

namespace IBot.Pipeline.Lineage.Lite;

/// <summary>
/// The query side of the runs: one column per queryable key (a run field, <c>params.KEY</c>,
/// <c>metrics.NAME</c> and its <c>.min</c> / <c>.max</c>), indexed by run ordinal and cut into
/// segments of <see cref="SegmentSize"/> runs, each one LiteDB document with a packed binary
/// array. A query reads only the columns it names — a few hundred kilobytes at 100,000 runs,
/// where reading the run documents themselves means hundreds of megabytes.
/// Writes within a unit of work are buffered per segment and saved once at <see cref="Flush"/>.
/// </summary>
public sealed class ColumnStore(LiteDatabase db)
{
    public const int SegmentSize = 1024;

    // Per slot: kind (1 byte) + payload (8 bytes: the double, the bool, or an index into the segment's strings).
    private const int Slot = 9;

    private readonly ILiteCollection<BsonDocument> segments = db.GetCollection("columns");
    private readonly ILiteCollection<BsonDocument> keys = db.GetCollection("keys");
    private readonly Dictionary<string, Segment> dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> knownKeys = new(StringComparer.Ordinal);

    /// <summary>Keys are hashed into document ids: LiteDB compares ids case-insensitively, keys are case-sensitive.</summary>
    private static string KeyId(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..20];

    private static string SegmentId(string key, int segment) => $"{KeyId(key)}-{segment}";

    public void Set(string key, int ordinal, LineageValue value)
    {
        var segmentNumber = ordinal / SegmentSize;
        var id = SegmentId(key, segmentNumber);
        if (!dirty.TryGetValue(id, out var segment))
        {
            segment = Segment.Read(segments.FindById(id));
            dirty[id] = segment;
            if (knownKeys.Add(key) && keys.FindById(KeyId(key)) is null) keys.Insert(new BsonDocument { ["_id"] = KeyId(key), ["key"] = key });
        }
        segment.Set(ordinal % SegmentSize, value);
    }

    public void Flush()
    {
        foreach (var (id, segment) in dirty) segments.Upsert(segment.Write(id));
        dirty.Clear();
    }

    public bool HasKey(string key) => keys.FindById(KeyId(key)) is not null;

    public IReadOnlyList<string> Keys() => keys.FindAll().Select(d => d["key"].AsString).Order(StringComparer.Ordinal).ToList();

    /// <summary>The column of <paramref name="key"/> for ordinals 0 … count-1 (missing where a run lacks the key).</summary>
    public LineageValue[] Read(string key, int count)
    {
        var column = new LineageValue[count];
        var keyId = KeyId(key);
        for (var s = 0; s * SegmentSize < count; s++)
        {
            var doc = segments.FindById($"{keyId}-{s}");
            if (doc is null) continue;
            Segment.Decode(doc, column, s * SegmentSize);
        }
        return column;
    }

    private sealed class Segment
    {
        private byte[] data = [];
        private readonly List<string> strings = [];
        private readonly Dictionary<string, int> stringIndex = new(StringComparer.Ordinal);

        public static Segment Read(BsonDocument? doc)
        {
            var segment = new Segment();
            if (doc is null) return segment;
            segment.data = doc["v"].AsBinary;
            foreach (var s in doc["s"].AsArray) segment.Intern(s.AsString);
            return segment;
        }

        private int Intern(string text)
        {
            if (stringIndex.TryGetValue(text, out var i)) return i;
            strings.Add(text);
            return stringIndex[text] = strings.Count - 1;
        }

        public void Set(int slot, LineageValue value)
        {
            // Only as long as the highest slot written: the segment runs are appended to stays small.
            if (data.Length < (slot + 1) * Slot) Array.Resize(ref data, (slot + 1) * Slot);
            var at = data.AsSpan(slot * Slot, Slot);
            at[0] = (byte)value.Kind;
            var payload = value.Kind == LineageValueKind.Text ? Intern(value.Text!) : value.Number;
            BinaryPrimitives.WriteDoubleLittleEndian(at[1..], payload);
        }

        public BsonDocument Write(string id) => new()
        {
            ["_id"] = id, ["v"] = data, ["s"] = new BsonArray(strings.Select(s => new BsonValue(s))),
        };

        public static void Decode(BsonDocument doc, LineageValue[] column, int offset)
        {
            var bytes = doc["v"].AsBinary;
            var texts = doc["s"].AsArray.Select(s => s.AsString).ToArray();
            for (var slot = 0; slot * Slot < bytes.Length && offset + slot < column.Length; slot++)
            {
                var at = bytes.AsSpan(slot * Slot, Slot);
                var payload = BinaryPrimitives.ReadDoubleLittleEndian(at[1..]);
                column[offset + slot] = (LineageValueKind)at[0] switch
                {
                    LineageValueKind.Number => LineageValue.Of(payload),
                    LineageValueKind.Text => LineageValue.Of(texts[(int)payload]),
                    LineageValueKind.Bool => LineageValue.Of(payload != 0),
                    _ => LineageValue.Missing,
                };
            }
        }
    }
}
