using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Eval;

/// <summary>What a training run hands an evaluator, on the CPU.</summary>
internal sealed class TestContext(VisionTransformer backbone, IImageSource train, IImageSource test, string figures = "", int epoch = 0) : IVisionEvaluationContext
{
    public List<string> Messages { get; } = [];
    public IBackbone Backbone => backbone;
    public IImageTransform Transform { get; init; } = new EvalTransform(16, 16);
    public Device Device => CPU;
    public IFeatureExtractor Features => throw new NotSupportedException();
    public IFeatureExtractor? HeadLogits => null;
    public IImageSource Train => train;
    public IImageSource Test => test;
    public int Epoch => epoch;
    public string FiguresFolder => figures;
    public void Log(string message) => Messages.Add(message);
}
