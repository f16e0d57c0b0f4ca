using IBot.Pipeline.Abstractions.Components;

namespace IBot.Plugins.LogisticProbe;

/// <summary>Registers the <c>logistic_regression</c> evaluator.</summary>
public sealed class LogisticProbePlugin : IPlugin
{
    public string Name => "logistic-probe";

    public void Register(IComponentRegistry registry) =>
        registry.Add<LogisticRegressionOptions, LogisticRegressionEvaluator>(ComponentRole.Evaluator, "logistic_regression",
            "Multinomial logistic regression on frozen [CLS] features (a fast, convex linear probe).");
}
