using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Runtime;

/// <summary>
/// Mixed precision for a forward pass, as PyTorch's autocast defines it, written out because
/// TorchSharp has none. Inside <see cref="Enable"/> on a thread, the operations that dominate the
/// time and tolerate rounding (linear layers, matrix products, convolutions, attention) run in the
/// reduced type on reduced copies of their inputs and weights; everything else stays in float32:
/// the parameters themselves (the master weights that the optimiser, the clipping and the EMA
/// teacher update), layer norms (their inputs are the float32 residual stream: a reduced branch
/// added to it is promoted), softmax, L2 normalisation and every loss (<see cref="Full"/>).
/// Gradients flow back through the casts, so each parameter's gradient arrives in float32.
/// </summary>
/// <remarks>
/// The state is per thread (<see cref="ThreadStaticAttribute"/>), like PyTorch's: each shard of a
/// step enters it on its own thread, and a thread that never enters it computes in float32.
/// Components written for this SDK reach the reduced arithmetic only through these functions
/// (and <see cref="Models.Dense"/>, <see cref="Models.Mlp"/>, which use them); a component that
/// calls libtorch directly simply runs in float32, correct but not accelerated.
/// </remarks>
public static class Autocast
{
    [ThreadStatic]
    private static ScalarType? lowered;

    /// <summary>The reduced type on this thread, or null outside a mixed-precision scope.</summary>
    public static ScalarType? Current => lowered;

    /// <summary>Enters <paramref name="precision"/> on this thread until the returned scope is disposed
    /// (fp32 leaves or makes it float32 throughout). Scopes nest.</summary>
    public static Scope Enable(Precision precision)
    {
        var previous = lowered;
        lowered = precision.LowType();
        return new Scope(previous);
    }

    /// <summary>x in the reduced type when one is active and x is floating point; else x (a new handle).</summary>
    public static Tensor Lower(Tensor x) =>
        lowered is { } low && x.dtype != low && x.is_floating_point() ? x.to(low) : x.alias();

    /// <summary>x in float32 (a new handle): for the operations autocast keeps in full precision.</summary>
    public static Tensor Full(Tensor x) => x.dtype == ScalarType.Float32 || !x.is_floating_point() ? x.alias() : x.to(ScalarType.Float32);

    /// <summary>x·Wᵀ + b on inputs of any rank (…, in) as one addmm over the flattened rows, in the
    /// reduced type when one is active.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        var shape = x.shape;
        var rows = Lower(x.dim() == 2 ? x : x.reshape(-1, shape[^1]));
        var weightT = Lower(weight).t();
        var y = bias is null ? rows.mm(weightT) : addmm(Lower(bias), rows, weightT, 1, 1);
        if (x.dim() == 2) return y.MoveToOuterDisposeScope();
        shape[^1] = y.shape[1];
        return y.view(shape).MoveToOuterDisposeScope();
    }

    /// <summary>a @ b, in the reduced type when one is active.</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        if (lowered is null) return a.matmul(b);
        using var la = Lower(a);
        using var lb = Lower(b);
        return la.matmul(lb);
    }

    /// <summary>
    /// softmax(q·kᵀ/√d + mask)·v through libtorch's fused kernel. On a GPU it runs in the reduced type
    /// when one is active (an additive mask is cast with q; a boolean one is kept), as autocast
    /// lists it. On a CPU it runs in float32 on float32 copies of its inputs: libtorch 2.10's
    /// bfloat16 flash-attention kernel for CPUs converts every block to float32 and back and took
    /// 3.4× the float32 kernel's time for a training step's attention (64 × 4 heads × 65 tokens ×
    /// 32, forward and backward, one thread: 115 against 34 ms), so float32 is both faster and
    /// more accurate there. The projections around it stay reduced.
    /// </summary>
    public static Tensor Attention(Tensor q, Tensor k, Tensor v, Tensor? mask = null)
    {
        if (lowered is null && q.dtype == k.dtype && q.dtype == v.dtype && (mask is null || mask.dtype == ScalarType.Bool || mask.dtype == q.dtype))
            return nn.functional.scaled_dot_product_attention(q, k, v, mask);
        using var scope = NewDisposeScope();
        Func<Tensor, Tensor> cast = lowered is not null && q.device.type != TorchSharp.DeviceType.CPU ? Lower : Full;
        var castMask = mask is null || mask.dtype == ScalarType.Bool ? mask : cast(mask);
        return nn.functional.scaled_dot_product_attention(cast(q), cast(k), cast(v), castMask).MoveToOuterDisposeScope();
    }

    /// <summary>The convolution of <paramref name="conv"/> on x, in the reduced type when one is active.</summary>
    public static Tensor Conv2d(Conv2d conv, Tensor x)
    {
        if (lowered is null) return conv.call(x);
        using var scope = NewDisposeScope();
        var bias = conv.bias is null ? null : Lower(conv.bias);
        return nn.functional.conv2d(Lower(x), Lower(conv.weight!), bias, conv.stride, conv.padding, conv.dilation, conv.groups)
            .MoveToOuterDisposeScope();
    }

    /// <summary>Restores the precision that was active before <see cref="Enable"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly ScalarType? previous;

        internal Scope(ScalarType? previous) => this.previous = previous;

        public void Dispose() => lowered = previous;
    }
}
