using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace IBot.Pipeline.Runs;

/// <summary>
/// Scalars as a TensorBoard event file (<c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;</c>), written
/// directly: TFRecord framing (length, masked CRC-32C of the length, an <c>Event</c> protocol buffer,
/// masked CRC-32C of it) around events holding a wall time, a step and one
/// <c>Summary.Value{tag, simple_value}</c>. The first event carries the file version
/// (<c>brain.Event:2</c>). Each event is flushed, so TensorBoard sees a live run.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    private readonly FileStream file;
    private readonly Lock gate = new();

    public TensorBoardWriter(string folder)
    {
        Directory.CreateDirectory(folder);
        var now = DateTimeOffset.UtcNow;
        Path = System.IO.Path.Combine(folder, $"events.out.tfevents.{now.ToUnixTimeSeconds()}.{Environment.MachineName}");
        file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        Write(Event(now, 0, version: "brain.Event:2"));
    }

    public string Path { get; }

    public void AddScalar(string tag, double value, long step)
    {
        lock (gate) Write(Event(DateTimeOffset.UtcNow, step, tag: tag, value: (float)value));
    }

    /// <summary>An <c>Event</c> message: wall_time (1, double), step (2, varint), file_version (3) or summary (5).</summary>
    internal static byte[] Event(DateTimeOffset time, long step, string? version = null, string? tag = null, float value = 0)
    {
        var e = new MemoryStream();
        e.WriteByte(0x09);
        Span<byte> wall = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(wall, time.ToUnixTimeMilliseconds() / 1000.0);
        e.Write(wall);
        e.WriteByte(0x10);
        Varint(e, (ulong)step);
        if (version is not null) Bytes(e, 0x1A, Encoding.UTF8.GetBytes(version));
        if (tag is not null)
        {
            var v = new MemoryStream();
            Bytes(v, 0x0A, Encoding.UTF8.GetBytes(tag));       // Value.tag
            v.WriteByte(0x15);                                    // Value.simple_value (fixed32)
            Span<byte> f = stackalloc byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(f, value);
            v.Write(f);
            var summary = new MemoryStream();
            Bytes(summary, 0x0A, v.ToArray());                    // Summary.value
            Bytes(e, 0x2A, summary.ToArray());                    // Event.summary
        }
        return e.ToArray();
    }

    private void Write(byte[] record)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)record.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(record));
        file.Write(header);
        file.Write(record);
        file.Write(footer);
        file.Flush();
    }

    /// <summary>TFRecord's masked CRC-32C: rotate right by 15, add 0xa282ead8.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8;
    }

    /// <summary>CRC-32C (Castagnoli), as TFRecord frames use.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    private static void Bytes(Stream s, byte tag, byte[] payload)
    {
        s.WriteByte(tag);
        Varint(s, (ulong)payload.Length);
        s.Write(payload);
    }

    private static void Varint(Stream s, ulong v)
    {
        while (v >= 0x80)
        {
            s.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        s.WriteByte((byte)v);
    }

    public void Dispose()
    {
        lock (gate) file.Dispose();
    }
}
