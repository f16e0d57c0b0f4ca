using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Runtime;

/// <summary>The mixed-precision policy: which operations run reduced, that parameters and their
/// gradients stay float32, and that the state belongs to one thread.</summary>
public sealed class AutocastTests
{
    [Theory]
    [InlineData(Precision.Bf16, ScalarType.BFloat16)]
    [InlineData(Precision.Fp16, ScalarType.Float16)]
    public void Linear_layers_run_reduced_on_float32_master_weights_with_float32_gradients(Precision precision, ScalarType low)
    {
        using var scope = NewDisposeScope();
        var layer = nn.Linear(8, 4);
        var x = randn(2, 3, 8);
        Tensor y;
        using (Autocast.Enable(precision)) y = Dense.Apply(layer, x);
        Assert.Equal(low, y.dtype);
        Assert.Equal(ScalarType.Float32, layer.weight!.dtype);
        y.to(ScalarType.Float32).sum().backward();
        Assert.Equal(ScalarType.Float32, layer.weight!.grad!.dtype);
        // Outside the scope the same layer is float32 again, and the reduced result is its rounding.
        var full = Dense.Apply(layer, x);
        Assert.Equal(ScalarType.Float32, full.dtype);
        Assert.True(y.to(ScalarType.Float32).allclose(full, rtol: 0.05, atol: 0.05));
        Assert.False(y.to(ScalarType.Float32).equal(full).all().item<bool>());
    }

    [Fact]
    public void Norms_softmax_and_the_residual_stream_stay_float32()
    {
        using var scope = NewDisposeScope();
        var block = new Block(16, 2, 4.0, qkvBias: true, dropPath: 0, eps: 1e-6);
        var x = randn(2, 5, 16);
        Tensor y, weights;
        using (Autocast.Enable(Precision.Bf16))
        {
            y = block.call(x);
            weights = block.AttentionWeights(x);
        }
        Assert.Equal(ScalarType.Float32, y.dtype);        // a reduced branch added to the float32 stream
        Assert.Equal(ScalarType.Float32, weights.dtype);  // softmax in float32
        Assert.True(weights.sum(-1).allclose(ones(2, 2, 5), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void The_precision_belongs_to_the_thread_that_enabled_it()
    {
        using var outer = Autocast.Enable(Precision.Bf16);
        Assert.Equal(ScalarType.BFloat16, Autocast.Current);
        ScalarType? seen = ScalarType.Float64;
        var other = new Thread(() => seen = Autocast.Current);
        other.Start();
        other.Join();
        Assert.Null(seen);
        using (Autocast.Enable(Precision.Fp32)) Assert.Null(Autocast.Current);
        Assert.Equal(ScalarType.BFloat16, Autocast.Current);
    }

    [Fact]
    public void Precision_support_follows_the_cpu_flags()
    {
        var zen4 = new HashSet<string> { "avx2", "avx512f", "avx512_bf16" };
        var zen3 = new HashSet<string> { "avx2" };
        Assert.True(PrecisionSupport.Cpu(Precision.Bf16, zen4).Fast);
        Assert.False(PrecisionSupport.Cpu(Precision.Bf16, zen3).Fast);
        Assert.True(PrecisionSupport.Cpu(Precision.Bf16, new HashSet<string> { "amx_bf16" }).Fast);
        Assert.False(PrecisionSupport.Cpu(Precision.Fp16, zen4).Fast);
        Assert.Null(PrecisionSupport.SlowerThanFp32(Precision.Bf16, IBot.Pipeline.Abstractions.Runtime.DeviceSpec.Cpu, zen4));
        Assert.Contains("slower than fp32", PrecisionSupport.SlowerThanFp32(Precision.Bf16, IBot.Pipeline.Abstractions.Runtime.DeviceSpec.Cpu, zen3));
        Assert.Null(PrecisionSupport.SlowerThanFp32(Precision.Fp16, IBot.Pipeline.Abstractions.Runtime.DeviceSpec.Cuda(0), zen3));
    }
}
