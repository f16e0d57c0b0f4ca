using IBot.Pipeline.Vision.Abstractions.Objectives;

namespace IBot.Plugins.KoLeo;

/// <summary>The <c>koleo</c> objective kind.</summary>
public sealed class KoLeoObjective(KoLeoOptions options) : IObjectiveFactory
{
    public IObjective Create(ObjectiveSetup setup) => new KoLeoLoss(options);
}
