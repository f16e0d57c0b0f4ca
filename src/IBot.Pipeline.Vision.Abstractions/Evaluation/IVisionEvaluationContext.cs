using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Abstractions.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Evaluation;

/// <summary>What evaluators that need the network itself (attention maps, linear probes on several
/// blocks, fine-tuning) get beyond features: the evaluated backbone, the evaluation transform and
/// the device. Training runs and evaluation-only runs both provide it.</summary>
public interface IVisionEvaluationContext : IEvaluationContext
{
    IBackbone Backbone { get; }

    IImageTransform Transform { get; }

    Device Device { get; }
}
