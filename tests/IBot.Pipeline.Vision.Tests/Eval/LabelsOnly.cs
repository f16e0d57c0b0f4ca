using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Tests.Eval;

/// <summary>Labels only, for selection tests: loading an image is an error.</summary>
internal sealed class LabelsOnly(int[] labels, int classes) : IImageSource
{
    public int Count => labels.Length;
    public IReadOnlyList<string> Classes { get; } = Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray();
    public int Label(int index) => labels[index];
    public RgbImage Load(int index) => throw new InvalidOperationException("labels only");
    public string Describe(int index) => $"labels[{index}]";
}
