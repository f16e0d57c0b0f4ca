using TorchSharp;

namespace IBot.Pipeline.Vision.Abstractions.Runtime;

/// <summary>
/// Native scalars that stay alive across the libtorch call they are passed to.
/// </summary>
/// <remarks>
/// TorchSharp turns a .NET number into a native <see cref="Scalar"/> (an implicit conversion at the
/// call, or inside its own overloads: <c>a.add(b)</c> is <c>a.add(b, 1)</c>, <c>a + 0.5</c> is
/// <c>a.add(0.5, 1)</c>) that only its finalizer frees. Once the call has read the handle nothing
/// references the Scalar, so a garbage collection started by another thread (the other shard, the
/// loader) can finalize it while libtorch is still reading it: a use after free, which surfaced as
/// "Expected false to be true" from <c>c10::Scalar::toDouble</c> after about 700 training steps, and
/// within seconds when a thread forces collections. Code here passes only scalars that stay reachable
/// across the call: these constants, other <c>static readonly</c> ones, or locals made with
/// <c>ToScalar()</c> in a <c>using</c> declaration (disposed after the call, which also frees them
/// at once).
/// <c>ScalarLifetimeTests</c> scans the compiled code for any other.
/// </remarks>
public static class Scalars
{
    /// <summary>The integer 1: the alpha of a plain add or sub, as TorchSharp's own overloads pass it.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integer 0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>arange(start, stop, step) as int64 indices, its bounds held across the call.</summary>
    public static torch.Tensor Arange(long start, long stop, long step, torch.Device device)
    {
        using var from = start.ToScalar();
        using var to = stop.ToScalar();
        using var by = step.ToScalar();
        return torch.arange(from, to, by, dtype: torch.int64, device: device);
    }
}
