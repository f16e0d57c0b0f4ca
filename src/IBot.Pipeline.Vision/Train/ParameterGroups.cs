using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>One optimiser parameter group: its parameters and the hyper-parameters set each step.</summary>
public sealed class ParameterGroup(string name, IReadOnlyList<(string Name, Parameter Parameter)> parameters, bool regularized)
{
    public string Name { get; } = name;

    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; } = parameters;

    /// <summary>Whether the weight-decay schedule applies; otherwise weight decay stays 0.</summary>
    public bool Regularized { get; } = regularized;

    public double LearningRate { get; set; }

    public double WeightDecay { get; set; }
}

/// <summary>The reference's <c>get_params_groups</c>: weight decay on every trainable parameter except
/// biases and 1-D parameters (norms, tokens are 3-D and so are decayed, as in the reference).</summary>
public static class ParameterGroups
{
    public static IReadOnlyList<ParameterGroup> Build(nn.Module model)
    {
        var regularized = new List<(string, Parameter)>();
        var notRegularized = new List<(string, Parameter)>();
        foreach (var (name, p) in model.named_parameters())
        {
            if (!p.requires_grad) continue;
            if (name.EndsWith(".bias", StringComparison.Ordinal) || p.dim() == 1) notRegularized.Add((name, p));
            else regularized.Add((name, p));
        }
        return [new ParameterGroup("regularized", regularized, true), new ParameterGroup("not_regularized", notRegularized, false)];
    }

    /// <summary>Sets this iteration's learning rate on every group and weight decay on the regularised ones.</summary>
    public static void Apply(IReadOnlyList<ParameterGroup> groups, double learningRate, double weightDecay)
    {
        foreach (var g in groups)
        {
            g.LearningRate = learningRate;
            g.WeightDecay = g.Regularized ? weightDecay : 0.0;
        }
    }
}
