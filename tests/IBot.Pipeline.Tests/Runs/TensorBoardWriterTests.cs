using System.Buffers.Binary;
using System.Text;
using IBot.Pipeline.Runs;

namespace IBot.Pipeline.Tests.Runs;

public sealed class TensorBoardWriterTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-tb-").FullName;

    [Fact]
    public void Crc32c_is_the_castagnoli_crc_and_frames_are_masked_as_tfrecord_masks_them()
    {
        // The standard check value of CRC-32C ("123456789") and TFRecord's mask of a known CRC.
        Assert.Equal(0xE3069283u, TensorBoardWriter.Crc32C(Encoding.ASCII.GetBytes("123456789")));
        var crc = TensorBoardWriter.Crc32C(Encoding.ASCII.GetBytes("123456789"));
        Assert.Equal(((crc >> 15) | (crc << 17)) + 0xa282ead8u, TensorBoardWriter.MaskedCrc(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Scalars_read_back_from_the_event_file_with_valid_frames()
    {
        string path;
        using (var writer = new TensorBoardWriter(dir))
        {
            writer.AddScalar("train/loss", 10.5, 3);
            writer.AddScalar("eval/knn_top1", 48.25, 2);
            path = writer.Path;
        }
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(path));
        var events = Read(File.ReadAllBytes(path));
        Assert.Equal(3, events.Count);
        Assert.Equal("brain.Event:2", events[0].Version);
        Assert.Equal(("train/loss", 10.5f, 3L), (events[1].Tag, events[1].Value, events[1].Step));
        Assert.Equal(("eval/knn_top1", 48.25f, 2L), (events[2].Tag, events[2].Value, events[2].Step));
        Assert.All(events, e => Assert.InRange(e.WallTime, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));
    }

    private sealed record Event(double WallTime, long Step, string? Version, string? Tag, float Value);

    /// <summary>A TFRecord reader checking both CRCs, and a decoder of the Event fields the writer uses.</summary>
    private static List<Event> Read(byte[] file)
    {
        var events = new List<Event>();
        for (var at = 0; at < file.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at));
            Assert.Equal(TensorBoardWriter.MaskedCrc(file.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8)));
            var data = file.AsSpan(at + 12, length);
            Assert.Equal(TensorBoardWriter.MaskedCrc(data), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + length)));
            events.Add(Decode(data.ToArray()));
            at += 12 + length + 4;
        }
        return events;
    }

    private static Event Decode(byte[] e)
    {
        double wall = 0;
        long step = 0;
        string? version = null, tag = null;
        float value = 0;
        for (var i = 0; i < e.Length;)
        {
            var key = e[i++];
            switch (key)
            {
                case 0x09: wall = BinaryPrimitives.ReadDoubleLittleEndian(e.AsSpan(i)); i += 8; break;
                case 0x10: step = (long)Varint(e, ref i); break;
                case 0x1A: version = Encoding.UTF8.GetString(Bytes(e, ref i)); break;
                case 0x2A:
                    var summary = Bytes(e, ref i);
                    var j = 0;
                    Assert.Equal(0x0A, summary[j++]);
                    var v = Bytes(summary, ref j);
                    for (var k = 0; k < v.Length;)
                    {
                        var field = v[k++];
                        if (field == 0x0A) tag = Encoding.UTF8.GetString(Bytes(v, ref k));
                        else { Assert.Equal(0x15, field); value = BinaryPrimitives.ReadSingleLittleEndian(v.AsSpan(k)); k += 4; }
                    }
                    break;
                default: throw new InvalidDataException($"unexpected field key {key:x2}");
            }
        }
        return new Event(wall, step, version, tag, value);
    }

    private static ulong Varint(byte[] b, ref int i)
    {
        ulong v = 0;
        for (var shift = 0; ; shift += 7)
        {
            var x = b[i++];
            v |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80) return v;
        }
    }

    private static byte[] Bytes(byte[] b, ref int i)
    {
        var n = (int)Varint(b, ref i);
        var r = b.AsSpan(i, n).ToArray();
        i += n;
        return r;
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
