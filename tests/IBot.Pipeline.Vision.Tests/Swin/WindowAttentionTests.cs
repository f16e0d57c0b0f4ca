using IBot.Pipeline.Vision.Tests.Parity;
using IBot.Plugins.Swin;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Swin;

/// <summary>The fused kernel (relative position bias and shift mask as its additive mask) computes
/// what the explicit, reference-order path does, gradients of the bias table included.</summary>
public sealed class WindowAttentionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fused_attention_equals_the_explicit_path_with_the_same_gradients(bool shifted)
    {
        manual_seed(10);
        using var attention = new WindowAttention(dim: 16, windowSize: 4, numHeads: 2, qkvBias: true);
        using var x = randn(3 * 4, 16, 16);              // 3 images × 4 windows of 16 tokens
        using var weights = randn(3 * 4, 16, 16);
        // A mask like a shifted window's: two regions per window, −100 across them.
        using var region = arange(16).remainder(4).lt(2);
        using var across = region.unsqueeze(0).not_equal(region.unsqueeze(1)).to(ScalarType.Float32).mul(-100.0);
        Tensor? mask = shifted ? across.unsqueeze(0).expand(4, -1, -1).contiguous() : null;

        var (fused, fusedGrads) = Run(() => attention.call(x, mask));
        var (explicitOut, explicitGrads) = Run(() => attention.ForwardWithWeights(x, mask).Output);
        Golden.AssertClose(fused, explicitOut, 1e-6, "output");
        for (var i = 0; i < fusedGrads.Length; i++)
            Golden.AssertClose(fusedGrads[i], explicitGrads[i], 1e-5, attention.named_parameters().ElementAt(i).name);
        Assert.True(fusedGrads[attention.named_parameters().Select(p => p.name).ToList().IndexOf("relative_position_bias_table")].abs().sum().item<float>() > 0);
        mask?.Dispose();

        (Tensor Output, Tensor[] Grads) Run(Func<Tensor> forward)
        {
            attention.zero_grad();
            var y = forward();
            y.mul(weights).sum().backward();
            return (y.detach(), attention.parameters().Select(p => p.grad!.clone()).ToArray());
        }
    }
}
