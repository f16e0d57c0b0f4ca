using IBot.Pipeline.Vision.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>The reference's gradient handling between backward and the optimiser step.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Clips each parameter's gradient norm on its own to at most <paramref name="clip"/>
    /// (the reference's <c>clip_gradients</c>, not the global norm): g ← g · min(1, clip / (‖g‖ + 1e-6)).
    /// Done with tensor ops so there is no host synchronisation; multiplying by exactly 1 leaves
    /// unclipped gradients bit-identical, as the reference's branch does.
    /// </summary>
    public static void ClipPerParameter(IEnumerable<(string Name, Parameter Parameter)> parameters, double clip)
    {
        using var _ = no_grad();
        using var eps = 1e-6.ToScalar();
        using var limit = clip.ToScalar();
        using var one = 1.0.ToScalar();
        foreach (var (_, p) in parameters)
        {
            var grad = p.grad;
            if (grad is null) continue;
            using var scope = NewDisposeScope();
            var coefficient = grad.norm().add(eps, Scalars.One).reciprocal().mul(limit).clamp_max(one);
            grad.mul_(coefficient);
        }
    }

    /// <summary>
    /// During the first <paramref name="freezeEpochs"/> epochs, drops the gradients of the head's
    /// last layer(s) (<paramref name="isLastLayer"/>, by parameter name) so the optimiser leaves them
    /// untouched (the reference's <c>cancel_gradients_last_layer</c>); the paper freezes it for the first epoch.
    /// </summary>
    public static void CancelLastLayer(IEnumerable<(string Name, Parameter Parameter)> parameters, int epoch, int freezeEpochs, Func<string, bool> isLastLayer)
    {
        if (epoch >= freezeEpochs) return;
        foreach (var (name, p) in parameters)
        {
            if (!isLastLayer(name)) continue;
            var grad = p.grad;
            if (grad is null) continue;
            p.grad = null;
            grad.Dispose();
        }
    }
}
