using System.Collections.Concurrent;
using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Data.Loading;

/// <summary>Unreadable samples met so far: counted once each, reported through a callback, and
/// fatal past the threshold. Thread-safe.</summary>
public sealed class CorruptSampleLog(IImageSource source, double maxFraction, Action<string>? report)
{
    private readonly ConcurrentDictionary<int, string> bad = new();

    public int Count => bad.Count;

    /// <summary>Most the run tolerates: the fraction of the dataset, at least one image.</summary>
    public int Limit { get; } = Math.Max(1, (int)Math.Floor(maxFraction * source.Count));

    public IReadOnlyDictionary<int, string> Samples => bad;

    public bool IsKnownBad(int index) => bad.ContainsKey(index);

    public void Record(int index, Exception error)
    {
        if (!bad.TryAdd(index, error.Message)) return;
        report?.Invoke($"skipping unreadable image {source.Describe(index)}: {error.Message}");
        if (bad.Count > Limit)
            throw new DataLoadException(
                $"{bad.Count} of {source.Count} images are unreadable, more than the {Limit} tolerated ({maxFraction:P1}); first: {source.Describe(bad.Keys.Min())}");
    }
}
