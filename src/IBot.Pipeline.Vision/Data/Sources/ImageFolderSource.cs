using IBot.Pipeline.Abstractions.Data;
using SixLabors.ImageSharp;
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
        try
        {
            // Headers are checked before decoding, so a corrupt size field cannot demand gigabytes.
            var info = Image.Identify(path) ?? throw new InvalidDataException($"{path}: not an image");
            if ((long)info.Width * info.Height > MaxPixels)
                throw new InvalidDataException($"{path}: {info.Width}x{info.Height} exceeds the {MaxPixels / 1_000_000} megapixel limit");
            using var image = Image.Load<Rgb24>(path);
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
