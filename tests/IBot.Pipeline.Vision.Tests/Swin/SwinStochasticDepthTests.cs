using IBot.Pipeline.Vision.Tests.Parity;
using IBot.Plugins.Swin;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Swin;

/// <summary>Stochastic depth as the reference: rates linspace(0, rate, Σ depths) in float32 over
/// all blocks, a block of rate 0 draws nothing, one (B) draw per branch from the global generator
/// in training mode, nothing in eval mode.</summary>
public sealed class SwinStochasticDepthTests
{
    [Fact]
    public void Rates_follow_the_linspace_rule_over_all_blocks()
    {
        using var swin = new SwinTransformer(TinySwin.Options(dropPathRate: 0.3) with { Depths = [2, 3], NumHeads = [2, 4] });
        var rates = swin.Layers.SelectMany(l => l.Blocks).Select(b => b.DropPath).ToArray();
        using var expected = linspace(0.0, 0.3, 5, ScalarType.Float32);
        Assert.Equal(expected.data<float>().Select(r => (double)r).ToArray(), rates);
        swin.train();
        Assert.Equal(2 * 4, swin.DrawsPerForward); // the first block (rate 0) has no drop path
        swin.eval();
        Assert.Equal(0, swin.DrawsPerForward);
    }

    [Fact]
    public void Eval_mode_is_deterministic_and_leaves_the_generator_alone()
    {
        manual_seed(6);
        using var swin = new SwinTransformer(TinySwin.Options(dropPathRate: 0.5));
        swin.eval();
        using var images = randn(4, 3, 32, 32);
        using var _ = no_grad();
        manual_seed(11);
        using var first = swin.Forward(images, null);
        using var next = rand(1);
        manual_seed(11);
        using var second = swin.Forward(images, null);
        using var untouched = rand(1);
        Golden.AssertClose(second, first, 0.0, "eval-mode tokens");
        Golden.AssertClose(untouched, next, 0.0, "the generator after an eval-mode pass");
    }

    [Fact]
    public void Training_mode_draws_from_the_global_generator_in_block_order()
    {
        manual_seed(7);
        using var swin = new SwinTransformer(TinySwin.Options(dropPathRate: 0.5));
        swin.train();
        using var images = randn(8, 3, 32, 32);
        using var _ = no_grad();
        manual_seed(12);
        using var drawn = swin.Forward(images, null);
        manual_seed(12);
        using var again = swin.Forward(images, null);
        Golden.AssertClose(again, drawn, 0.0, "same seed, same drops");
        using var other = swin.Forward(images, null);
        Assert.True(Golden.RelativeError(other, drawn) > 1e-3, "stochastic depth dropped nothing");

        // The same uniforms taken in advance, handed over in order, give the same pass.
        manual_seed(12);
        var uniforms = Enumerable.Range(0, swin.DrawsPerForward).Select(_ => rand(8)).ToArray();
        var next = 0;
        using var replayed = swin.Forward(images, null, batch => uniforms[next++]);
        Assert.Equal(uniforms.Length, next);
        Golden.AssertClose(replayed, drawn, 0.0, "tokens from pre-drawn uniforms");
        foreach (var u in uniforms) u.Dispose();
    }
}
