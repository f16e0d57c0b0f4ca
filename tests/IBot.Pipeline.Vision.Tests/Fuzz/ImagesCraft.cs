using System.Buffers.Binary;
using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace IBot.Pipeline.Vision.Tests.Fuzz;

/// <summary>Image files for the decoder tests: small valid ones in every format the image folder
/// reads, and hand-built decompression bombs whose headers declare far more than their bytes hold.</summary>
public static class ImagesCraft
{
    /// <summary>A 24 x 18 gradient, encoded in each format (the seeds the fuzzers mutate).</summary>
    public static IReadOnlyDictionary<string, byte[]> Seeds { get; } = MakeSeeds();

    private static Dictionary<string, byte[]> MakeSeeds()
    {
        using var image = new Image<Rgb24>(24, 18);
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
                image[x, y] = new Rgb24((byte)(x * 10), (byte)(y * 14), (byte)((x * y) & 0xFF));
        byte[] Encode(IImageEncoder encoder)
        {
            using var stream = new MemoryStream();
            image.Save(stream, encoder);
            return stream.ToArray();
        }
        return new()
        {
            ["png"] = Encode(new PngEncoder()),
            ["jpg"] = Encode(new JpegEncoder { Quality = 90 }),
            ["bmp"] = Encode(new BmpEncoder()),
            ["gif"] = Encode(new GifEncoder()),
            ["tif"] = Encode(new TiffEncoder()),
            ["tga"] = Encode(new TgaEncoder()),
            ["webp"] = Encode(new WebpEncoder()),
        };
    }

    /// <summary>An animated GIF: a <paramref name="width"/> x <paramref name="height"/> canvas and
    /// <paramref name="frames"/> frames of one pixel each, about 23 bytes a frame.</summary>
    public static byte[] GifBomb(int width, int height, int frames)
    {
        var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        WriteUInt16(gif, width);
        WriteUInt16(gif, height);
        gif.Write([0x80, 0, 0, 0, 0, 0, 255, 255, 255]);     // two-colour global table
        for (var f = 0; f < frames; f++)
        {
            gif.Write([0x21, 0xF9, 4, 0, 1, 0, 0, 0]);          // graphic control: delay 1
            gif.Write([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]);       // a 1 x 1 frame at the origin
            gif.Write([2, 2, 0x44, 0x01, 0]);                   // LZW: clear, index 0, end
        }
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>An RGB PNG that declares <paramref name="width"/> x <paramref name="height"/> and holds
    /// only <paramref name="rows"/> rows of zeros.</summary>
    public static byte[] PngDeclaring(int width, int height, int rows)
    {
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9]) = (8, 2);
        Chunk(png, "IHDR", header);
        var data = new MemoryStream();
        using (var z = new ZLibStream(data, CompressionLevel.Fastest, leaveOpen: true))
            for (var y = 0; y < rows; y++) z.Write(new byte[1 + 3 * width]);
        Chunk(png, "IDAT", data.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        var word = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        png.Write(word);
    }

    // PNG's CRC-32 (ISO 3309), bit by bit: the chunks here are small.
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    private static void WriteUInt16(Stream stream, int value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }
}
