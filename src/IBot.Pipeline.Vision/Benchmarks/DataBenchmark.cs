using System.Diagnostics;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Loading;
using IBot.Pipeline.Vision.Data.Masking;
using IBot.Pipeline.Vision.Data.Sources;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IBot.Pipeline.Vision.Benchmarks;

/// <summary>Loader throughput of one recipe at one thread count.</summary>
public sealed record DataBenchmarkResult(string Recipe, string Source, int Threads, int BatchSize, int Batches, double Seconds, double ImagesPerSecond, double CropsPerSecond);

/// <summary>
/// Multi-crop loading speed: decode + augment + masks + batch assembly, measured over whole
/// batches after one warm-up batch. The paper recipe reads JPEGs of ImageNet-like size
/// (generated once into a temporary folder); the quickstart reads the embedded Fashion-MNIST.
/// </summary>
public static class DataBenchmark
{
    public static DataBenchmarkResult Run(Recipe recipe, int threads, int batchSize, int batches, string? scratch = null)
    {
        var (source, description, cleanup) = SourceFor(recipe, batchSize * (batches + 1), scratch);
        try
        {
            var loader = new MultiCropLoader(source, new MultiCropAugmentation(recipe.Crops), new MaskGenerator(MaskOptions.Paper),
                (recipe.Crops.Global.Size / recipe.Vit.PatchSize, recipe.Crops.Global.Size / recipe.Vit.PatchSize), new LoaderOptions(batchSize, Workers: threads, Seed: 0));
            var order = loader.Order(0);
            loader.Build(0, 0, order); // warm-up: JIT, caches
            var watch = Stopwatch.StartNew();
            for (var b = 1; b <= batches; b++) loader.Build(0, b % loader.BatchesPerEpoch, order);
            var seconds = watch.Elapsed.TotalSeconds;
            var images = (double)batchSize * batches;
            return new DataBenchmarkResult(recipe.Name, description, threads, batchSize, batches, seconds, images / seconds, images * recipe.Crops.TotalCrops / seconds);
        }
        finally
        {
            cleanup();
        }
    }

    private static (IImageSource Source, string Description, Action Cleanup) SourceFor(Recipe recipe, int images, string? scratch)
    {
        if (recipe.SourceWidth == 28) return (EmbeddedSample.Open("train"), "embedded Fashion-MNIST 28x28", () => { });
        var dir = Path.Combine(scratch ?? Path.GetTempPath(), $"ibot-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var synthetic = new SyntheticSource(Math.Min(images, 64), 8, recipe.SourceWidth, recipe.SourceHeight, seed: 1);
        for (var i = 0; i < synthetic.Count; i++)
        {
            var cls = Path.Combine(dir, synthetic.Classes[synthetic.Label(i)]);
            Directory.CreateDirectory(cls);
            var rgb = synthetic.Load(i);
            using var image = Image.LoadPixelData<Rgb24>(rgb.Pixels, rgb.Width, rgb.Height);
            image.SaveAsJpeg(Path.Combine(cls, $"{i:D5}.jpg"));
        }
        return (new RepeatingSource(new ImageFolderSource(dir), images), $"JPEG {recipe.SourceWidth}x{recipe.SourceHeight}", () => Directory.Delete(dir, recursive: true));
    }

    /// <summary>Cycles a small set of files to a larger count, so benchmarks need few files on disk.</summary>
    private sealed class RepeatingSource(IImageSource inner, int count) : IImageSource
    {
        public int Count => count;
        public IReadOnlyList<string> Classes => inner.Classes;
        public int Label(int index) => inner.Label(index % inner.Count);
        public RgbImage Load(int index) => inner.Load(index % inner.Count);
        public string Describe(int index) => inner.Describe(index % inner.Count);
    }
}
