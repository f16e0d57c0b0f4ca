using System.Buffers.Binary;
using System.IO.Compression;
using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Data.Sources;

/// <summary>
/// The MNIST / Fashion-MNIST idx format (optionally gzip-compressed): an images file
/// (magic 2051, count, rows, cols, bytes) and a labels file (magic 2049, count, bytes). Grey
/// images are expanded to three channels. The whole set is held in memory (70,000 images of
/// 28 × 28 are 55 MB).
/// </summary>
public sealed class IdxSource : IImageSource
{
    /// <summary>Fashion-MNIST's class names, label order.</summary>
    public static readonly string[] FashionMnistClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private readonly byte[] pixels;
    private readonly byte[] labels;
    private readonly string origin;

    public IdxSource(Stream images, Stream labelStream, IReadOnlyList<string>? classes = null, string origin = "idx")
    {
        this.origin = origin;
        (pixels, Count, Height, Width) = ReadImages(images);
        labels = ReadLabels(labelStream);
        if (labels.Length != Count) throw new InvalidDataException($"{origin}: {Count} images but {labels.Length} labels");
        var classCount = labels.Length == 0 ? 0 : labels.Max() + 1;
        Classes = classes ?? Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (classCount > Classes.Count) throw new InvalidDataException($"{origin}: label {classCount - 1} has no class name");
    }

    /// <summary>Opens <c>{prefix}-images-idx3-ubyte[.gz]</c> and <c>{prefix}-labels-idx1-ubyte[.gz]</c>
    /// in <paramref name="directory"/>; <paramref name="split"/> is <c>train</c> or <c>test</c>
    /// (file prefix <c>t10k</c>).</summary>
    public static IdxSource FromDirectory(string directory, string split, IReadOnlyList<string>? classes = null)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"idx directory {directory} does not exist");
        var prefix = split switch
        {
            "train" => "train",
            "test" or "t10k" => "t10k",
            _ => throw new ArgumentException($"split '{split}' is not train or test"),
        };
        string Find(string stem) =>
            new[] { stem + ".gz", stem }.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{stem}[.gz] not found in {directory}");
        using var images = File.OpenRead(Find($"{prefix}-images-idx3-ubyte"));
        using var labelStream = File.OpenRead(Find($"{prefix}-labels-idx1-ubyte"));
        return new IdxSource(images, labelStream, classes, Path.Combine(directory, prefix));
    }

    public int Count { get; }

    public int Width { get; }

    public int Height { get; }

    public IReadOnlyList<string> Classes { get; }

    public int Label(int index) => labels[index];

    public RgbImage Load(int index) => RgbImage.FromGray(Width, Height, pixels.AsSpan(index * Width * Height, Width * Height));

    public string Describe(int index) => $"{origin}[{index}]";

    private static (byte[] Pixels, int Count, int Rows, int Cols) ReadImages(Stream stream)
    {
        var data = ReadAll(stream);
        if (data.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(data) != 2051) throw new InvalidDataException("not an idx3 image file (magic 2051)");
        var count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        var rows = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(8));
        var cols = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(12));
        if (data.Length - 16 != (long)count * rows * cols) throw new InvalidDataException($"idx3 file holds {data.Length - 16} bytes, expected {count} × {rows} × {cols}");
        return (data[16..], count, rows, cols);
    }

    private static byte[] ReadLabels(Stream stream)
    {
        var data = ReadAll(stream);
        if (data.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(data) != 2049) throw new InvalidDataException("not an idx1 label file (magic 2049)");
        var count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        if (data.Length - 8 != count) throw new InvalidDataException($"idx1 file holds {data.Length - 8} labels, expected {count}");
        return data[8..];
    }

    /// <summary>Reads the stream, gunzipping it when it starts with the gzip magic.</summary>
    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
        using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gz.CopyTo(output);
        return output.ToArray();
    }
}
