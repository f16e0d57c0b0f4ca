using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>Weight initialisation as the reference does it.</summary>
internal static class Init
{
    /// <summary>Truncated normal with std 0.02 and the reference's absolute bounds [-2, 2]
    /// (so, at this std, effectively untruncated).</summary>
    public static void TruncNormal(Tensor t, double std = 0.02)
    {
        using var _ = no_grad();
        nn.init.trunc_normal_(t, 0.0, std, -2.0, 2.0);
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
