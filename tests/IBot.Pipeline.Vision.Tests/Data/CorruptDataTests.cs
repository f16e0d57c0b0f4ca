using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Loading;
using IBot.Pipeline.Vision.Data.Sources;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IBot.Pipeline.Vision.Tests.Data;

public sealed class CorruptDataTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("ibot-corrupt-").FullName;

    public CorruptDataTests()
    {
        foreach (var cls in new[] { "cat", "dog" })
        {
            Directory.CreateDirectory(Path.Combine(root, cls));
            for (var i = 0; i < 4; i++)
            {
                using var image = new Image<Rgb24>(40, 30, new Rgb24((byte)(60 * i), cls == "cat" ? (byte)200 : (byte)20, 90));
                image.SaveAsPng(Path.Combine(root, cls, $"{i}.png"));
                image.SaveAsJpeg(Path.Combine(root, cls, $"{i}.jpg"));
            }
        }
        // A truncated JPEG and a text file wearing a .png name.
        var jpeg = File.ReadAllBytes(Path.Combine(root, "cat", "0.jpg"));
        File.WriteAllBytes(Path.Combine(root, "cat", "truncated.jpg"), jpeg[..(jpeg.Length / 3)]);
        File.WriteAllText(Path.Combine(root, "dog", "notes.png"), "this is not an image");
    }

    [Fact]
    public void Corrupt_files_are_skipped_counted_and_reported()
    {
        var source = new ImageFolderSource(root);
        Assert.Equal(18, source.Count);
        var reports = new List<string>();
        var loader = new MultiCropLoader(source,
            new MultiCropAugmentation(new MultiCropOptions(new CropSpec(2, 16, 0.25, 1), new CropSpec(1, 8, 0.05, 0.25))),
            null, maskGrid: (4, 4), new LoaderOptions(BatchSize: 6, Workers: 2, Shuffle: false, MaxCorruptFraction: 0.2), r => { lock (reports) reports.Add(r); });

        var batches = loader.Epoch(0).ToList();

        Assert.Equal(3, batches.Count);
        Assert.Equal(2, loader.Corrupt.Count);
        Assert.Equal(2, reports.Count);
        Assert.Contains(reports, r => r.Contains("truncated.jpg"));
        Assert.Contains(reports, r => r.Contains("notes.png"));
        // The corrupt files' slots hold readable neighbours instead.
        Assert.DoesNotContain(batches.SelectMany(b => b.Indices), i => loader.Corrupt.IsKnownBad(i));
    }

    [Fact]
    public void Too_many_corrupt_files_fail_with_a_clear_error()
    {
        var loader = new MultiCropLoader(new ImageFolderSource(root),
            new MultiCropAugmentation(new MultiCropOptions(new CropSpec(1, 16, 0.25, 1), new CropSpec(0, 8, 0.05, 0.25))),
            null, maskGrid: (4, 4), new LoaderOptions(BatchSize: 18, Workers: 2, Shuffle: false, MaxCorruptFraction: 0.01));
        var e = Assert.Throws<DataLoadException>(() => loader.Epoch(0).ToList());
        Assert.Contains("unreadable", e.Message);
        Assert.Contains("tolerated", e.Message);
    }

    [Fact]
    public void Garbage_bytes_never_crash_the_decoder()
    {
        var random = new Random(42);
        var path = Path.Combine(root, "garbage.bin");
        foreach (var header in new byte[][] { [], [0xFF, 0xD8, 0xFF], [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], [(byte)'B', (byte)'M'], [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a'] })
            for (var trial = 0; trial < 10; trial++)
            {
                var body = new byte[random.Next(0, 1000)];
                random.NextBytes(body);
                File.WriteAllBytes(path, [.. header, .. body]);
                // Either some image comes out (random bytes can be a valid bitmap) or the file is
                // reported as corrupt; any other exception would crash a loader.
                try
                {
                    var image = ImageFolderSource.Decode(path);
                    Assert.Equal(image.Width * image.Height * 3, image.Pixels.Length);
                }
                catch (InvalidDataException)
                {
                }
            }
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
