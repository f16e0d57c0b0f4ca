using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Runtime;

/// <summary>The arithmetic of the matrix products in a forward pass (see <see cref="Autocast"/>).</summary>
public enum Precision
{
    /// <summary>Everything in float32.</summary>
    Fp32,

    /// <summary>Matrix products in bfloat16 (float32's range, 8 bits of mantissa), the rest in float32.</summary>
    Bf16,

    /// <summary>Matrix products in float16 (10 bits of mantissa, a range up to 65,504), the rest in
    /// float32; training scales the loss (<c>LossScaler</c>) so that small gradients do not flush to zero.</summary>
    Fp16,
}

/// <summary>Conversions of <see cref="Precision"/>.</summary>
public static class PrecisionExtensions
{
    /// <summary>The reduced element type of the matrix products, or null for fp32.</summary>
    public static ScalarType? LowType(this Precision precision) => precision switch
    {
        Precision.Fp32 => null,
        Precision.Bf16 => ScalarType.BFloat16,
        Precision.Fp16 => ScalarType.Float16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>The spec's spelling: fp32, bf16 or fp16.</summary>
    public static string Name(this Precision precision) => precision.ToString().ToLowerInvariant();
}
