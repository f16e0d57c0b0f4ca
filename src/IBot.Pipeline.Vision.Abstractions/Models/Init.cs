using IBot.Pipeline.Vision.Abstractions.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Models;

/// <summary>Weight initialisation as the reference does it.</summary>
public static class Init
{
    /// <summary>Truncated normal with std 0.02 and the reference's absolute bounds [-2, 2]
    /// (so, at this std, effectively untruncated).</summary>
    public static void TruncNormal(Tensor t, double std = 0.02, double mean = 0.0, double a = -2.0, double b = 2.0)
    {
        // The reference's _no_grad_trunc_normal_ (inverse-CDF sampling). TorchSharp 0.107's
        // nn.init.trunc_normal_ returns ±std for every element, so it is not used.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var sqrt2 = Math.Sqrt(2.0).ToScalar();
        using var two = 2.ToScalar();
        var bounds = tensor(new[] { (a - mean) / std, (b - mean) / std }, ScalarType.Float64).div(sqrt2).erf().add(Scalars.One, Scalars.One).div(two); // Φ(a), Φ(b)
        var (low, high) = (bounds[0].item<double>(), bounds[1].item<double>());
        using var scale = (std * Math.Sqrt(2.0)).ToScalar();
        using var shift = mean.ToScalar();
        using var lower = a.ToScalar();
        using var upper = b.ToScalar();
        t.uniform_(2 * low - 1, 2 * high - 1).erfinv_().mul_(scale).add_(shift, Scalars.One).clamp_(lower, upper);
    }

    /// <summary>The reference's <c>_init_weights</c> for a Linear: trunc-normal weight, zero bias.</summary>
    public static void Linear(TorchSharp.Modules.Linear linear)
    {
        TruncNormal(linear.weight!);
        if (linear.bias is { } bias)
        {
            using var _ = no_grad();
            bias.zero_();
        }
    }
}
