using IBot.Pipeline.Vision.Abstractions.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>
/// Bias-free linear layer with weight normalisation, as <c>nn.utils.weight_norm</c> builds it:
/// <c>weight = weight_g · weight_v / ‖weight_v‖</c> per output row. <c>weight_g</c> starts at 1;
/// with <c>norm_last_layer</c> it is frozen there, which the paper finds stabilises training.
/// </summary>
public sealed class WeightNormLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight_g;
    private readonly Parameter weight_v;

    public WeightNormLinear(int inFeatures, int outFeatures, bool freezeNorm) : base(nameof(WeightNormLinear))
    {
        // v starts as nn.Linear's default init: U(-1/sqrt(in), 1/sqrt(in)).
        var bound = 1.0 / Math.Sqrt(inFeatures);
        weight_v = new Parameter(empty(outFeatures, inFeatures).uniform_(-bound, bound));
        weight_g = new Parameter(ones(outFeatures, 1), requires_grad: !freezeNorm);
        RegisterComponents();
    }

    /// <summary>The effective weight, (out, in).</summary>
    public Tensor Weight()
    {
        using var scope = NewDisposeScope();
        // torch._weight_norm: v * (g / ||v||) with the norm over every dim but 0.
        return weight_v.mul(weight_g.div(weight_v.norm(1, keepdim: true))).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor x)
    {
        using var w = Weight();
        return Autocast.Current is null ? nn.functional.linear(x, w) : Autocast.Linear(x, w, null);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weight_g.Dispose();
            weight_v.Dispose();
        }
        base.Dispose(disposing);
    }
}
