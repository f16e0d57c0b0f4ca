namespace IBot.Pipeline.Vision.Data.Loading;

/// <summary>Data-loader settings.</summary>
/// <param name="BatchSize">Images per batch (per device).</param>
/// <param name="Workers">Decode/augment threads; 0 = one per core.</param>
/// <param name="Prefetch">Batches prepared ahead of the consumer; bounds memory.</param>
/// <param name="Seed">Root of every sample's random stream.</param>
/// <param name="Shuffle">A new order every epoch (derived from seed and epoch).</param>
/// <param name="DropLast">Drop the last incomplete batch, as the reference does for training.</param>
/// <param name="MaxCorruptFraction">Unreadable images tolerated, as a fraction of the dataset (at least one); 1 % by default.</param>
public sealed record LoaderOptions(
    int BatchSize,
    int Workers = 0,
    int Prefetch = 2,
    long Seed = 0,
    bool Shuffle = true,
    bool DropLast = true,
    double MaxCorruptFraction = 0.01)
{
    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;

    public void Validate()
    {
        if (BatchSize <= 0) throw new ArgumentException("batch size must be positive");
        if (Prefetch <= 0) throw new ArgumentException("prefetch must be positive");
        if (MaxCorruptFraction is < 0 or > 1) throw new ArgumentException("max corrupt fraction must be in [0, 1]");
    }
}
