using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Tests.Parity;
using IBot.Plugins.Swin;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Swin;

/// <summary>The backbone's forward pass: masking, other input sizes, grids, and no leaked tensors.</summary>
public sealed class SwinForwardTests
{
    /// <summary>The plugin follows the SDK's mixed-precision policy: in bf16, with and without a mask
    /// (the shifted windows' additive mask is cast with the queries), tokens within bfloat16 rounding
    /// of fp32's (8u, u = 2⁻⁸; the tokens come out of a float32 final norm) and not equal to them.</summary>
    [Fact]
    public void In_bf16_the_tokens_are_fp32s_within_bfloat16_rounding()
    {
        manual_seed(4);
        using var swin = new SwinTransformer(TinySwin.Options());
        swin.eval();
        using var images = randn(2, 3, 32, 32);
        using var mask = rand(2, 8, 8).lt(0.4);
        using var _ = no_grad();
        foreach (var m in new[] { null, mask })
        {
            using var full = swin.Forward(images, m);
            Tensor reduced;
            using (Autocast.Enable(Precision.Bf16)) reduced = swin.Forward(images, m);
            using (reduced)
            {
                Assert.Equal(ScalarType.Float32, reduced.dtype);
                var error = Golden.RelativeError(reduced, full);
                Assert.True(error <= 8.0 / 256 && error > 1e-5, $"bf16 tokens {(m is null ? "without" : "with")} a mask: relative error {error:E2}");
            }
        }
    }

    [Fact]
    public void The_mask_acts_only_through_the_masked_patches()
    {
        manual_seed(3);
        using var swin = new SwinTransformer(TinySwin.Options());
        swin.eval();
        using var images = randn(2, 3, 32, 32).requires_grad_(true);
        // Final grid 8 × 8 over a 16 × 16 patch grid: each mask cell covers 2 × 2 patches, 4 × 4 pixels.
        using var mask = rand(2, 8, 8).lt(0.4);
        using var none = zeros(2, 8, 8, dtype: ScalarType.Bool);

        using (no_grad())
        {
            using var plain = swin.Forward(images, null);
            Golden.AssertClose(swin.Forward(images, none), plain, 0.0, "tokens with an empty mask");
            Assert.True(Golden.RelativeError(swin.Forward(images, mask), plain) > 1e-3, "the mask changed nothing");
        }

        // Pixels under masked cells do not reach the output; every other pixel does.
        using var tokens = swin.Forward(images, mask);
        tokens.mul(randn_like(tokens)).sum().backward();
        var pixelMask = mask.repeat_interleave(4, 1).repeat_interleave(4, 2).unsqueeze(1).expand(2, 3, 32, 32);
        var grad = images.grad!;
        Assert.Equal(0.0, grad.masked_select(pixelMask).abs().max().item<float>());
        Assert.True(grad.masked_select(pixelMask.logical_not()).abs().min().item<float>() > 0f, "an unmasked pixel has no gradient");
    }

    [Fact]
    public void A_mask_needs_the_mask_embedding_and_a_grid_that_repeats_up()
    {
        using var teacher = new SwinTransformer(TinySwin.Options(masked: false));
        using var student = new SwinTransformer(TinySwin.Options());
        using var images = randn(1, 3, 32, 32);
        Assert.Throws<InvalidOperationException>(() => teacher.Forward(images, zeros(1, 8, 8, dtype: ScalarType.Bool)));
        Assert.Throws<ArgumentException>(() => student.Forward(images, zeros(1, 6, 6, dtype: ScalarType.Bool)));
        // A mask at the patch grid is used as it is, as in the reference.
        using var patchMask = zeros(1, 16, 16, dtype: ScalarType.Bool);
        using var fullMask = ones(1, 16, 16, dtype: ScalarType.Bool);
        using var cellMask = ones(1, 8, 8, dtype: ScalarType.Bool);
        Golden.AssertClose(student.Forward(images, patchMask), student.Forward(images, null), 0.0, "empty patch-grid mask");
        Golden.AssertClose(student.Forward(images, fullMask), student.Forward(images, cellMask), 0.0, "full mask at either grid");
    }

    [Theory]
    [InlineData(32, 32, 8, 8)]   // training size
    [InlineData(16, 16, 4, 4)]   // local crop: grid 8 then 4, one window per stage
    [InlineData(20, 20, 5, 5)]   // grid 10 then 5: padded to whole windows in both stages
    [InlineData(14, 14, 4, 4)]   // grid 7 (odd): patch merging pads it to 8
    [InlineData(24, 16, 6, 4)]   // not square
    [InlineData(4, 4, 1, 1)]     // a single patch grid of 2 × 2
    public void Other_input_sizes_run_and_give_the_output_grid(int height, int width, int h, int w)
    {
        manual_seed(4);
        using var swin = new SwinTransformer(TinySwin.Options());
        swin.eval();
        Assert.Equal((h, w), swin.OutputGrid(height, width));
        using var _ = no_grad();
        using var tokens = swin.Forward(randn(2, 3, height, width), null);
        Assert.Equal(new long[] { 2, 1 + h * w, swin.EmbedDim }, tokens.shape);
        Assert.True(tokens.isfinite().all().item<bool>());
        Golden.AssertClose(tokens.select(1, 0), tokens.narrow(1, 1, h * w).mean([1]), 1e-6, "pooled token");
    }

    [Fact]
    public void Live_tensor_count_stays_flat_over_repeated_passes()
    {
        manual_seed(5);
        using var swin = new SwinTransformer(TinySwin.Options(dropPathRate: 0.2));
        var counts = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            using (var scope = NewDisposeScope())
            {
                swin.train();
                swin.zero_grad();
                var loss = swin.Forward(randn(2, 3, 32, 32), rand(2, 8, 8).lt(0.3)).square().mean();
                loss = loss.add(swin.Forward(randn(2, 3, 20, 20), null).square().mean(), 1);
                loss.backward();
                swin.eval();
                using (no_grad())
                {
                    swin.LastAttentionMap(randn(2, 3, 32, 32));
                    swin.IntermediateLayers(randn(2, 3, 16, 16), 4);
                }
            }
            counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        // The first pass creates the gradients and the cached shift masks; nothing accumulates after it.
        Assert.All(counts.Skip(1), c => Assert.Equal(counts[1], c));
    }
}
