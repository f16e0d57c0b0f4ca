using System.Buffers.Binary;
using CsCheck;
using IBot.Pipeline.Tests.Fuzz;
using IBot.Pipeline.Vision.Data.Sources;
using Xunit.Abstractions;

namespace IBot.Pipeline.Vision.Tests.Fuzz;

/// <summary>
/// Images as the image folder reads them (ImageSharp 2.1.13): PNG, JPEG, BMP, GIF, TIFF, TGA and
/// WebP files cut at every byte, randomly edited, with their declared sizes rewritten to every
/// awkward value, and animated GIFs of many frames on large canvases. Each decode ends within
/// the time bound, adds at most a bounded amount of resident memory, and fails only with
/// <see cref="InvalidDataException"/> (which the loader counts as a skipped sample).
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ImagesFuzzTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Resident memory one decode may add: a 100-megapixel image (the limit) is 300 MB as RGB, twice while copied.</summary>
    private const long MaxResidentMegabytes = 1024;

    private readonly string dir = Directory.CreateTempSubdirectory("ibot-image-fuzz-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly string[] Formats = [.. ImagesCraft.Seeds.Keys.Order(StringComparer.Ordinal)];

    private void Holds(byte[] bytes, string extension)
    {
        var path = Path.Combine(dir, "sample." + extension);
        File.WriteAllBytes(path, bytes);
        var added = ImagesPeakMemory.MegabytesAdded(() => Bounded.Run<InvalidDataException>(() => ImageFolderSource.Decode(path), maxMegabytes: 1024));
        if (added > MaxResidentMegabytes) throw new FuzzFailure($"decoding added {added} MB of resident memory");
    }

    [Fact]
    public void Every_format_cut_at_every_byte()
    {
        var cases = 0;
        foreach (var format in Formats)
        {
            var bytes = ImagesCraft.Seeds[format];
            for (var cut = 0; cut < bytes.Length; cut++, cases++)
            {
                try
                {
                    Holds(bytes[..cut], format);
                }
                catch (Exception e)
                {
                    throw new FuzzFailure($"{format} cut at {cut}: {e.GetType().Name}: {e.Message}", e);
                }
            }
        }
        output.WriteLine($"{cases} truncations");
    }

    private static readonly Gen<(string Format, byte[] Bytes)> Edited =
        from format in Gen.OneOf(Formats)
        from edits in Gen.Select(Gen.Double.Unit, Gen.OneOf(Gen.Byte, Gen.OneOf<byte>(0, 0xFF, 0x7F, 0x80)), Gen.Bool).Array[1, 8]
        select (format, Edit(ImagesCraft.Seeds[format], edits));

    // Half the edits land in the first 64 bytes, where the headers are.
    private static byte[] Edit(byte[] seed, (double At, byte Value, bool Header)[] edits)
    {
        var bytes = (byte[])seed.Clone();
        foreach (var (at, value, header) in edits)
            bytes[(int)(at * (header ? Math.Min(64, bytes.Length) : bytes.Length))] = value;
        return bytes;
    }

    [Fact]
    public void Random_edits_of_every_format() =>
        output.WriteLine($"{FuzzRunner.Check("image edits", 20, Edited, c => Holds(c.Bytes, c.Format), 2000, c => $"{c.Format} {FuzzRunner.Describe(c.Bytes)}")} cases");

    private static readonly Gen<uint> Dimension = Gen.OneOf(
        Gen.OneOf<uint>(0, 1, 2, 255, 256, 4095, 4096, 10_000, 10_001, 32_767, 32_768, 65_535, 65_536, 1 << 20, int.MaxValue, uint.MaxValue, 0x80000000),
        Gen.UInt[0, 70_000]);

    /// <summary>The seed with its declared width and height rewritten where each format keeps them.</summary>
    private static byte[] Declaring(string format, uint width, uint height)
    {
        var b = (byte[])ImagesCraft.Seeds[format].Clone();
        switch (format)
        {
            case "png": BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(16), width); BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(20), height); break;
            case "bmp": BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(18), width); BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(22), height); break;
            case "gif": BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), (ushort)width); BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)height); break;
            case "tga": BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(12), (ushort)width); BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(14), (ushort)height); break;
            case "jpg":
                var sof = b.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
                BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(sof + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(sof + 7), (ushort)width);
                break;
        }
        return b;
    }

    // Sizes the decoder would really fill take seconds each; the suite keeps to small ones and
    // to ones refused unread, a longer run (IBOT_FUZZ_*) takes them all.
    private static bool Affordable(ulong pixels) => FuzzRunner.Long || pixels <= 4_000_000 || pixels > ImageFolderSource.MaxPixels;

    [Fact]
    public void Declared_sizes_of_every_awkward_value()
    {
        var gen = Gen.Select(Gen.OneOf("png", "bmp", "gif", "tga", "jpg"), Dimension, Dimension)
            .Where(c => Affordable(c.Item1 is "gif" or "tga" or "jpg" ? (ulong)(ushort)c.Item2 * (ushort)c.Item3 : (ulong)c.Item2 * c.Item3));
        output.WriteLine($"{FuzzRunner.Check("image sizes", 21, gen, c => Holds(Declaring(c.Item1, c.Item2, c.Item3), c.Item1), 300, c => $"{c.Item1} {c.Item2} x {c.Item3}")} cases");
    }

    [Fact]
    public void Animated_gifs_of_many_frames_on_large_canvases()
    {
        var gen = Gen.Select(Gen.Int[1, 65_535], Gen.Int[1, 65_535], Gen.Int[1, 3_000]).Where(c => Affordable((ulong)c.Item1 * (ulong)c.Item2));
        output.WriteLine($"{FuzzRunner.Check("gif bombs", 22, gen, c => Holds(ImagesCraft.GifBomb(c.Item1, c.Item2, c.Item3), "gif"), 60, c => $"{c.Item1} x {c.Item2}, {c.Item3} frames")} cases");
    }
}
