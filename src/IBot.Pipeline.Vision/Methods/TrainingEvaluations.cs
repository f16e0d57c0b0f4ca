using System.Diagnostics;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Vision.Abstractions.Evaluation;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Runs;
using IBot.Pipeline.Vision.Train;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Methods;

/// <summary>
/// The evaluators of a training run: at initialisation, every n epochs and at the end, on the
/// teacher's or the student's backbone at the global crop size, features cached per network until
/// the weights change. Each result goes to the observer with the checkpoint file that holds
/// exactly the evaluated weights.
/// </summary>
internal sealed class TrainingEvaluations
{
    private readonly RunContext context;
    private readonly Dictionary<(EvaluatedNetwork, Precision), (BackboneFeatures Features, BackboneFeatures HeadLogits, IBackbone Backbone)> networks = [];
    private readonly IBotSession session;
    private readonly EvalTransform transform;
    private readonly Device device;

    public TrainingEvaluations(RunContext context, IBotSession session, Device device)
    {
        this.context = context;
        this.session = session;
        this.device = device;
        transform = new EvalTransform(session.Crops.GlobalSize, session.Crops.GlobalSize);
    }

    /// <summary>The feature extractors of one network in one precision, made on first use.</summary>
    private (BackboneFeatures Features, BackboneFeatures HeadLogits, IBackbone Backbone) Network(EvaluatedNetwork which, Precision precision)
    {
        if (networks.TryGetValue((which, precision), out var made)) return made;
        var network = which == EvaluatedNetwork.Teacher ? session.Teacher : session.Student;
        made = (new(network.Backbone, transform, device, precision: precision), BackboneFeatures.HeadLogits(network, transform, device, precision: precision), network.Backbone);
        networks[(which, precision)] = made;
        return made;
    }

    /// <summary>Runs the evaluators due after <paramref name="epoch"/> epochs; <paramref name="weightsFile"/> is the
    /// checkpoint holding this epoch's weights, if one does. Final results go into <paramref name="finalMetrics"/>
    /// (initialisation's prefixed <c>init_</c>).</summary>
    public void Run(int epoch, bool final, string? weightsFile, Dictionary<string, double> finalMetrics)
    {
        var data = context.Components;
        if (data.EvalTrainData is null || data.EvalTestData is null) return;
        foreach (var n in networks.Values)
        {
            n.Features.Invalidate();
            n.HeadLogits.Invalidate();
        }
        foreach (var e in data.Evaluators.Where(e => e.Due(epoch, final)))
        {
            var (features, headLogits, backbone) = Network(e.Network, (e.Options as IPrecisionOptions)?.Precision ?? Precision.Fp32);
            var evaluation = new VisionEvaluationContext(features, headLogits, data.EvalTrainData, data.EvalTestData, epoch,
                context.Layout.Figures, context.Observer.Message, backbone, transform, device);
            var watch = Stopwatch.StartNew();
            var metrics = e.Evaluator.EvaluateAsync(evaluation, context.Cancellation).GetAwaiter().GetResult();
            context.Observer.Evaluated(new EvaluationReport(e.Name, e.Kind, e.Options, e.Network, epoch,
                weightsFile, weightsFile is null ? null : epoch, metrics, watch.Elapsed.TotalSeconds));
            foreach (var (k, v) in metrics)
            {
                if (final) finalMetrics[$"{e.Name}_{k}"] = v;
                else if (epoch == 0) finalMetrics[$"init_{e.Name}_{k}"] = v;
            }
        }
    }
}
