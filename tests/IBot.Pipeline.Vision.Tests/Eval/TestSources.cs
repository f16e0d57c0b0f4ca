using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

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

/// <summary>What a training run hands an evaluator, on the CPU.</summary>
internal sealed class TestContext(VisionTransformer backbone, IImageSource train, IImageSource test, string figures = "", int epoch = 0) : IVisionEvaluationContext
{
    public List<string> Messages { get; } = [];
    public VisionTransformer Backbone => backbone;
    public EvalTransform Transform { get; init; } = new(16, 16);
    public Device Device => CPU;
    public IFeatureExtractor Features => throw new NotSupportedException();
    public IFeatureExtractor? HeadLogits => null;
    public IImageSource Train => train;
    public IImageSource Test => test;
    public int Epoch => epoch;
    public string FiguresFolder => figures;
    public void Log(string message) => Messages.Add(message);
}
