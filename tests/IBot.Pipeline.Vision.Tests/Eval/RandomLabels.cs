using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Tests.Eval;

/// <summary>The images of <paramref name="source"/> with labels drawn at random (seeded): nothing to learn.</summary>
internal sealed class RandomLabels(IImageSource source, long seed) : IImageSource
{
    private readonly int[] labels = Enumerable.Range(0, source.Count).Select(i => new SampleRandom(seed, 0, i, 99).Integer(0, source.Classes.Count - 1)).ToArray();
    public int Count => source.Count;
    public IReadOnlyList<string> Classes => source.Classes;
    public int Label(int index) => labels[index];
    public RgbImage Load(int index) => source.Load(index);
    public string Describe(int index) => source.Describe(index);
}
