using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Abstractions.Evaluation;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Runs;

/// <summary>What training runs and evaluation-only runs hand to evaluators.</summary>
internal sealed class VisionEvaluationContext(IFeatureExtractor features, IFeatureExtractor? headLogits, IImageSource train, IImageSource test,
    int epoch, string figures, Action<string> log, IBackbone backbone, IImageTransform transform, Device device) : IVisionEvaluationContext
{
    public IFeatureExtractor Features => features;
    public IFeatureExtractor? HeadLogits => headLogits;
    public IImageSource Train => train;
    public IImageSource Test => test;
    public int Epoch => epoch;
    public string FiguresFolder => figures;
    public IBackbone Backbone => backbone;
    public IImageTransform Transform => transform;
    public Device Device => device;
    public void Log(string message) => log(message);
}
