using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Abstractions.Runtime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace IBot.Pipeline.Vision.Data.Sources;

/// <summary>
/// torchvision's <c>ImageFolder</c>: one sub-folder per class, classes sorted by name (ordinal),
/// files found recursively in sorted order, kept when their extension is an image one. An
/// optional file list (one path per line, relative to the root, class = first folder)
/// restricts and orders the samples, as ImageNet subsets are usually given. Any format
/// ImageSharp decodes; images are converted to RGB.
/// </summary>
public sealed class ImageFolderSource : IImageSource
{
    /// <summary>torchvision's IMG_EXTENSIONS, matched case-insensitively.</summary>
    public static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp", ".gif", ".tga"];

    /// <summary>Largest image decoded (pixels); larger headers are treated as corrupt.</summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>ImageSharp's formats, decoding only the first frame of an animated GIF or a
    /// multi-page TIFF (PIL's <c>Image.open(...).convert("RGB")</c> reads the first frame too).
    /// Every frame of a GIF is decoded at the full canvas size: a 940-byte GIF of forty 1-pixel
    /// frames on a 4000 x 4000 canvas took 26 s and 1.9 GB, and the size check reads only the
    /// canvas.</summary>
    private static readonly Configuration Decoding = FirstFrameOnly();

    private readonly (string Path, int Label)[] samples;

    public ImageFolderSource(string root, string? fileList = null)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"image folder {root} does not exist");
        Root = Path.GetFullPath(root);
        var classes = Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0) throw new InvalidDataException($"image folder {root} has no class sub-folders");
        Classes = classes;
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        samples = fileList is null ? Scan(classes) : FromList(fileList, index);
        if (samples.Length == 0) throw new InvalidDataException($"image folder {root} holds no images ({string.Join(", ", Extensions)})");
    }

    public string Root { get; }

    public int Count => samples.Length;

    public IReadOnlyList<string> Classes { get; }

    public int Label(int index) => samples[index].Label;

    public string Describe(int index) => samples[index].Path;

    public RgbImage Load(int index) => Decode(samples[index].Path);

    /// <summary>Decodes any ImageSharp format to RGB; corrupt or unreadable files raise <see cref="InvalidDataException"/>.</summary>
    public static RgbImage Decode(string path)
    {
        // Never opened unless it is a regular file: opening a named pipe blocks a loader thread for good.
        if (RegularFile.Problem(path, out _) is { } problem) throw new InvalidDataException($"{path} {problem}");
        try
        {
            // Headers are checked before decoding, so a corrupt size field cannot demand gigabytes.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var info = Image.Identify(Decoding, stream) ?? throw new InvalidDataException($"{path}: not an image");
            if ((long)info.Width * info.Height > MaxPixels)
                throw new InvalidDataException($"{path}: {info.Width}x{info.Height} exceeds the {MaxPixels / 1_000_000} megapixel limit");
            stream.Position = 0;
            using var image = Image.Load<Rgb24>(Decoding, stream);
            var pixels = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(pixels);
            return new RgbImage(image.Width, image.Height, pixels);
        }
        // Decoders meet arbitrary bytes: whatever they throw, the file is reported as corrupt, never fatal.
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            throw new InvalidDataException($"{path}: cannot decode image: {e.Message}", e);
        }
    }

    private static Configuration FirstFrameOnly()
    {
        var configuration = Configuration.Default.Clone();
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }

    private (string, int)[] Scan(string[] classes)
    {
        var list = new List<(string, int)>();
        for (var label = 0; label < classes.Length; label++)
        {
            var dir = Path.Combine(Root, classes[label]);
            list.AddRange(Directory.EnumerateFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
                .Where(IsImage)
                .Order(StringComparer.Ordinal)
                .Select(f => (f, label)));
        }
        return list.ToArray();
    }

    private (string, int)[] FromList(string fileList, Dictionary<string, int> classIndex)
    {
        if (!File.Exists(fileList)) throw new FileNotFoundException($"file list {fileList} does not exist", fileList);
        var list = new List<(string, int)>();
        var lineNo = 0;
        foreach (var raw in File.ReadLines(fileList))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var relative = line.Replace('\\', '/');
            var cls = relative.Split('/')[0];
            if (!classIndex.TryGetValue(cls, out var label))
                throw new InvalidDataException($"{fileList}:{lineNo}: '{line}' is not under a class folder of {Root}");
            list.Add((Path.Combine(Root, relative), label));
        }
        return list.ToArray();
    }

    private static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());
}
