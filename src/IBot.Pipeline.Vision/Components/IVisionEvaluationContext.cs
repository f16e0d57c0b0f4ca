using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Components;

/// <summary>What built-in evaluators that need the network itself (attention maps) get beyond
/// features: the evaluated backbone, the evaluation transform and the device.</summary>
public interface IVisionEvaluationContext : IEvaluationContext
{
    VisionTransformer Backbone { get; }

    EvalTransform Transform { get; }

    Device Device { get; }
}
