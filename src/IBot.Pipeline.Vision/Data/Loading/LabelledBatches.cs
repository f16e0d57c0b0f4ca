using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Data.Loading;

/// <summary>
/// Labelled image batches for the supervised evaluation protocols: images of
/// <c>source</c> in the given order, decoded and transformed in parallel, the next batch
/// prepared on the thread pool while the caller's model works on the current one.
/// </summary>
public static class LabelledBatches
{
    /// <param name="source">The labelled images.</param>
    /// <param name="order">Sample indices, in the order to read them.</param>
    /// <param name="batchSize">Images per batch; the last batch may be smaller.</param>
    /// <param name="size">Side of the transformed images.</param>
    /// <param name="transform">Writes sample (image, index) as (3, size, size) into the span.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    public static IEnumerable<LabelledBatch> Read(IImageSource source, IReadOnlyList<int> order, int batchSize, int size,
        Action<RgbImage, int, Span<float>> transform, CancellationToken cancellationToken)
    {
        var batches = (order.Count + batchSize - 1) / batchSize;
        LabelledBatch Prepare(int b)
        {
            var start = b * batchSize;
            var count = Math.Min(batchSize, order.Count - start);
            var plane = 3 * size * size;
            var pixels = new float[count * plane];
            var labels = new long[count];
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                var index = order[start + i];
                labels[i] = source.Label(index);
                transform(source.Load(index), index, pixels.AsSpan(i * plane, plane));
            });
            return new LabelledBatch(pixels, labels, count, size);
        }

        Task<LabelledBatch>? next = batches > 0 ? Task.Run(() => Prepare(0), cancellationToken) : null;
        try
        {
            for (var b = 0; b < batches; b++)
            {
                var current = next!.GetAwaiter().GetResult();
                var following = b + 1;
                next = following < batches ? Task.Run(() => Prepare(following), cancellationToken) : null;
                yield return current;
            }
        }
        finally
        {
            // A consumer that stops early leaves one batch in flight; observe its failure, if any.
            next?.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }
    }
}
