using IBot.Pipeline.Vision.Abstractions.Objectives;
using IBot.Pipeline.Vision.Loss;

namespace IBot.Pipeline.Vision.Components;

/// <summary>The <c>ibot_loss</c> objective kind: [CLS] and masked-patch self-distillation.</summary>
public sealed class IBotLossObjective(IBotLossSpec options) : IObjectiveFactory
{
    public IObjective Create(ObjectiveSetup setup) => new IBotLoss(options, setup);
}
