using System.Threading.Channels;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Masking;

namespace IBot.Pipeline.Vision.Data.Loading;

/// <summary>
/// Multi-crop training batches, decoded and augmented on worker threads ahead of the consumer
/// (bounded prefetch). Each sample's randomness comes from (seed, epoch, index), so the batches
/// are identical for any thread count, and a run resumed mid-epoch sees the same data. An
/// unreadable image is reported, counted and replaced by the next readable one; past the
/// threshold the epoch fails with <see cref="DataLoadException"/>.
/// </summary>
public sealed class MultiCropLoader
{
    private const int AugmentStream = 0;
    private const int MaskStream = 1;
    private const int OrderStream = 2;
    private readonly IImageSource source;
    private readonly IAugmentation augmentation;
    private readonly IMaskGenerator? masks;
    private readonly (int Height, int Width) maskGrid;

    /// <param name="source">The images.</param>
    /// <param name="augmentation">Their views.</param>
    /// <param name="masks">Masks of the global crops, or null for none.</param>
    /// <param name="maskGrid">The grid masks are made at: the backbone's output grid for a global crop.</param>
    /// <param name="options">Batch size, threads, seed.</param>
    /// <param name="report">Where unreadable images are reported.</param>
    public MultiCropLoader(IImageSource source, IAugmentation augmentation, IMaskGenerator? masks, (int Height, int Width) maskGrid,
        LoaderOptions options, Action<string>? report = null)
    {
        options.Validate();
        if (maskGrid.Height <= 0 || maskGrid.Width <= 0)
            throw new ArgumentException($"mask grid {maskGrid.Height}x{maskGrid.Width} must be positive");
        this.source = source;
        this.augmentation = augmentation;
        this.masks = masks;
        Options = options;
        this.maskGrid = maskGrid;
        Corrupt = new CorruptSampleLog(source, options.MaxCorruptFraction, report);
        BatchesPerEpoch = options.DropLast ? source.Count / options.BatchSize : (source.Count + options.BatchSize - 1) / options.BatchSize;
        if (BatchesPerEpoch == 0)
            throw new ArgumentException($"the dataset's {source.Count} images do not fill one batch of {options.BatchSize}");
    }

    public LoaderOptions Options { get; }

    public int BatchesPerEpoch { get; }

    public CorruptSampleLog Corrupt { get; }

    /// <summary>Sample order of an epoch.</summary>
    public int[] Order(int epoch) => Options.Shuffle
        ? new SampleRandom(Options.Seed, epoch, -1, OrderStream).Permutation(source.Count)
        : Enumerable.Range(0, source.Count).ToArray();

    /// <summary>The batches of <paramref name="epoch"/> from <paramref name="startBatch"/> on, produced
    /// in the background while the caller consumes them.</summary>
    public IEnumerable<HostBatch> Epoch(int epoch, int startBatch = 0, CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<HostBatch>(new BoundedChannelOptions(Options.Prefetch) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var order = Order(epoch);
        var producer = Task.Run(async () =>
        {
            try
            {
                for (var b = startBatch; b < BatchesPerEpoch; b++)
                    await channel.Writer.WriteAsync(Build(epoch, b, order, stop.Token), stop.Token).ConfigureAwait(false);
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerException : e);
            }
        }, stop.Token);
        try
        {
            while (channel.Reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult())
                while (channel.Reader.TryRead(out var batch))
                    yield return batch;
        }
        finally
        {
            stop.Cancel();
            try { producer.Wait(CancellationToken.None); } catch (AggregateException) { /* cancelled or already surfaced */ }
        }
    }

    /// <summary>Batch <paramref name="number"/> of an epoch, built on the worker threads.</summary>
    public HostBatch Build(int epoch, int number, int[] order, CancellationToken cancellationToken = default)
    {
        var start = number * Options.BatchSize;
        var size = Math.Min(Options.BatchSize, order.Length - start);
        var o = augmentation.Layout;
        var sizes = Enumerable.Range(0, o.TotalCrops).Select(o.SizeOf).ToArray();
        var crops = sizes.Select(s => new float[size * 3 * s * s]).ToArray();
        var cells = maskGrid.Height * maskGrid.Width;
        var maskBuffers = Enumerable.Range(0, o.GlobalCount).Select(_ => new bool[size * cells]).ToArray();
        var labels = new int[size];
        var indices = new int[size];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.EffectiveWorkers, CancellationToken = cancellationToken };
        Parallel.For(0, size, parallel, slot =>
        {
            var position = order[start + slot];
            var (index, image) = LoadReadable(position);
            labels[slot] = source.Label(index);
            indices[slot] = index;
            var destinations = new Memory<float>[o.TotalCrops];
            for (var c = 0; c < o.TotalCrops; c++)
            {
                var len = 3 * sizes[c] * sizes[c];
                destinations[c] = crops[c].AsMemory(slot * len, len);
            }
            // Streams are keyed by the slot's dataset position, so a substitute image keeps them.
            augmentation.Apply(image, new SampleRandom(Options.Seed, epoch, position, AugmentStream), destinations);
            if (masks is null) return;
            var maskRandom = new SampleRandom(Options.Seed, epoch, position, MaskStream);
            for (var g = 0; g < o.GlobalCount; g++)
                masks.Generate(maskGrid.Height, maskGrid.Width, epoch, maskRandom).CopyTo(maskBuffers[g], slot * cells);
        });
        return new HostBatch(epoch, number, crops, sizes, maskBuffers, maskGrid, labels, indices);
    }

    /// <summary>The image at <paramref name="index"/>, or the next readable one after it.</summary>
    private (int Index, RgbImage Image) LoadReadable(int index)
    {
        for (var k = 0; k < source.Count; k++)
        {
            var candidate = (index + k) % source.Count;
            if (Corrupt.IsKnownBad(candidate)) continue;
            try
            {
                return (candidate, source.Load(candidate));
            }
            catch (InvalidDataException e)
            {
                Corrupt.Record(candidate, e);
            }
        }
        throw new DataLoadException($"no readable image in {source.Count} samples");
    }
}
