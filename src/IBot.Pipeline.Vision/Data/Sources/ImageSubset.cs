using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Data.Sources;

/// <summary>The images of <paramref name="source"/> at <paramref name="indices"/>, in that order,
/// with the source's classes (a label fraction of a training split).</summary>
public sealed class ImageSubset(IImageSource source, IReadOnlyList<int> indices) : IImageSource
{
    public int Count => indices.Count;

    public IReadOnlyList<string> Classes => source.Classes;

    public int Label(int index) => source.Label(indices[index]);

    public RgbImage Load(int index) => source.Load(indices[index]);

    public string Describe(int index) => source.Describe(indices[index]);
}
