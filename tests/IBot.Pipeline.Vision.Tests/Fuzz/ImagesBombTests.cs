using System.Diagnostics;
using IBot.Pipeline.Vision.Data.Sources;

namespace IBot.Pipeline.Vision.Tests.Fuzz;

/// <summary>Files that would make the image folder's decoder spend gigabytes or hang: each is
/// refused or decoded within a bound, and whatever is refused is an
/// <see cref="InvalidDataException"/>, which the loader counts as a skipped sample.</summary>
public sealed class ImagesBombTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-image-bombs-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public async Task An_animated_gif_decodes_its_first_frame_only()
    {
        // 940 bytes: forty 1-pixel frames on a 4000 x 4000 canvas. Every frame used to be decoded at the
        // canvas size: 26 s and 1.9 GB (a thousand frames, 23 KB, would ask for 64 GB).
        var path = Write("bomb.gif", ImagesCraft.GifBomb(4000, 4000, 40));
        var watch = Stopwatch.StartNew();
        var decode = Task.Run(() => ImagesPeakMemory.MegabytesAdded(() => Assert.Equal(4000, ImageFolderSource.Decode(path).Width)));
        Assert.Same(decode, await Task.WhenAny(decode, Task.Delay(TimeSpan.FromSeconds(60))));
        var added = await decode;
        Assert.True(added is null or < 600, $"decoding added {added} MB of resident memory");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"decoding took {watch.Elapsed}");
    }

    [Fact]
    public void Declared_sizes_past_the_limit_are_refused_before_decoding()
    {
        var path = Write("huge.png", ImagesCraft.PngDeclaring(20_000, 20_000, rows: 1));
        var added = ImagesPeakMemory.MegabytesAdded(() =>
            Assert.Contains("megapixel limit", Assert.Throws<InvalidDataException>(() => ImageFolderSource.Decode(path)).Message));
        Assert.True(added is null or < 100, $"refusing added {added} MB of resident memory");
    }

    [Fact]
    public async Task A_named_pipe_with_an_image_name_is_refused_unopened()
    {
        var path = Path.Combine(dir, "pipe.png");
        using (var mkfifo = Process.Start("mkfifo", path)) await mkfifo.WaitForExitAsync();
        var decode = Task.Run(() => Assert.Throws<InvalidDataException>(() => ImageFolderSource.Decode(path)));
        var finished = await Task.WhenAny(decode, Task.Delay(TimeSpan.FromSeconds(20))) == decode;
        // The old decoder blocks in open(2) until a writer comes: be that writer so nothing is left hanging.
        if (!finished) await using (new FileStream(path, FileMode.Open, FileAccess.Write)) { }
        Assert.True(finished, "decoding a FIFO blocked");
        Assert.Contains("named pipe", (await decode).Message);
    }
}
