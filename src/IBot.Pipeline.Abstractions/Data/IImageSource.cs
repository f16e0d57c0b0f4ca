namespace IBot.Pipeline.Abstractions.Data;

/// <summary>
/// A labelled image collection. Implementations must be safe to call from several threads
/// at once (loaders decode in parallel) and deterministic: the same index always yields the
/// same image and label.
/// </summary>
public interface IImageSource
{
    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>Class names, index = label.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>Label of sample <paramref name="index"/> without decoding it.</summary>
    int Label(int index);

    /// <summary>Decodes sample <paramref name="index"/>.</summary>
    /// <exception cref="InvalidDataException">The sample is unreadable or corrupt; loaders skip and count it.</exception>
    RgbImage Load(int index);

    /// <summary>Where sample <paramref name="index"/> comes from (a path, or source and index), for error reports.</summary>
    string Describe(int index);
}
