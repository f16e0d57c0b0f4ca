using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>Weight initialisation as the reference's <c>_init_weights</c> does it.</summary>
internal static class Init
{
    /// <summary>
    /// timm's <c>trunc_normal_</c> (inverse-CDF sampling) with std 0.02 and absolute bounds [−2, 2],
    /// which at this std leaves the normal untruncated. TorchSharp 0.107's own
    /// <c>nn.init.trunc_normal_</c> returns ±std for every element, so it is not used.
    /// </summary>
    public static void TruncNormal(Tensor t, double std = 0.02)
    {
        const double a = -2.0, b = 2.0;
        var low = NormalCdf(a / std);
        var high = NormalCdf(b / std);
        using var _ = no_grad();
        using var scale = (std * Math.Sqrt(2.0)).ToScalar();
        using var lower = a.ToScalar();
        using var upper = b.ToScalar();
        t.uniform_(2 * low - 1, 2 * high - 1).erfinv_().mul_(scale).clamp_(lower, upper);
    }

    /// <summary>A Linear layer: trunc-normal weight, zero bias.</summary>
    public static void Linear(TorchSharp.Modules.Linear linear)
    {
        TruncNormal(linear.weight!);
        if (linear.bias is { } bias)
        {
            using var _ = no_grad();
            bias.zero_();
        }
    }

    /// <summary>Φ(x) in double precision, through libtorch's erf.</summary>
    private static double NormalCdf(double x)
    {
        using var t = tensor(x / Math.Sqrt(2.0), ScalarType.Float64);
        using var e = t.erf();
        return (1.0 + e.item<double>()) / 2.0;
    }
}
