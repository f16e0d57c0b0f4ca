using System.Diagnostics;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Vision.Abstractions.Evaluation;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Runs;

namespace IBot.Pipeline.Vision.Methods;

/// <summary>
/// The <c>evaluate</c> method, what a spec without <c>train</c> runs: the backbone component builds a
/// network for pretrained weights (an ibot checkpoint or exported safetensors, or a reference
/// <c>.pth</c>; for a training checkpoint, the network <c>backbone.network</c> names), then every
/// evaluator runs once at the backbone's resolution (or <c>backbone.eval_size</c>).
/// </summary>
public sealed class EvaluationMethod(EvaluationMethodOptions options) : IRunMethod
{
    public EvaluationMethodOptions Options { get; } = options;

    public RunOutcome Run(RunContext context)
    {
        var components = context.Components;
        var weightsPath = context.Weights ?? throw new InvalidDataException("an evaluation-only run needs backbone.weights");
        var backboneComponent = components.Backbone ?? throw new InvalidDataException("an evaluation-only run needs a 'backbone'");
        var pretrained = backboneComponent.Options as IPretrainedWeights
            ?? throw new InvalidDataException($"backbone: kind '{backboneComponent.Kind}' takes no pretrained weights");
        var (train, test) = (components.EvalTrainData ?? throw new InvalidDataException("evaluation needs 'data.eval_train'"),
            components.EvalTestData ?? throw new InvalidDataException("evaluation needs 'data.eval_test'"));
        var device = TorchDevices.Of(context.Device);
        var network = pretrained.Network == EvaluatedNetwork.Teacher ? "teacher" : "student";
        var state = ReferenceCheckpoint.Backbone(ReferenceCheckpoint.Read(weightsPath, network));
        using var backbone = backboneComponent.As<IBackboneFactory>().FromWeights(state);
        foreach (var t in state.Values) t.Dispose();
        backbone.Module.to(device);
        backbone.Module.eval();
        var size = pretrained.EvalSize > 0 ? pretrained.EvalSize : backbone.ImageSize;
        var transform = new EvalTransform(size, size);
        var features = new Dictionary<Precision, BackboneFeatures>();
        var metrics = new Dictionary<string, double>();
        context.Observer.Started(0, 0, 0, 0);
        context.Observer.Message($"evaluating {weightsPath} ({pretrained.Network} backbone, built for {backbone.ImageSize} px, evaluated at {size} px)");
        foreach (var e in components.Evaluators)
        {
            if (context.Cancellation.IsCancellationRequested)
                return new RunOutcome(RunState.Cancelled, $"cancelled before {e.Name}", null, metrics, 0);
            var precision = (e.Options as IPrecisionOptions)?.Precision ?? Precision.Fp32;
            if (!features.TryGetValue(precision, out var extractor))
                features[precision] = extractor = new BackboneFeatures(backbone, transform, device, precision: precision);
            var evaluation = new VisionEvaluationContext(extractor, null, train, test, 0, context.Layout.Figures, context.Observer.Message, backbone, transform, device);
            var watch = Stopwatch.StartNew();
            IReadOnlyDictionary<string, double> result;
            try
            {
                result = e.Evaluator.EvaluateAsync(evaluation, context.Cancellation).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                return new RunOutcome(RunState.Cancelled, $"cancelled during {e.Name}", null, metrics, 0);
            }
            // The weights file is the evaluated state; which network in it is the backbone's choice.
            context.Observer.Evaluated(new EvaluationReport(e.Name, e.Kind, e.Options, pretrained.Network, 0, weightsPath, null, result, watch.Elapsed.TotalSeconds));
            foreach (var (k, v) in result) metrics[$"{e.Name}_{k}"] = v;
        }
        return new RunOutcome(RunState.Completed, null, null, metrics, 0);
    }
}
