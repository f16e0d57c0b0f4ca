using IBot.Pipeline.Vision.Tests.Parity;
using IBot.Plugins.Swin;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Swin;

/// <summary>What evaluators read: the last block's attention map and the last blocks' tokens.</summary>
public sealed class SwinEvaluatorViewsTests
{
    [Theory]
    [InlineData(48, 48)]  // final grid 12: 3 × 3 shifted windows, no padding
    [InlineData(20, 20)]  // final grid 5: padded to 8, shifted
    [InlineData(32, 24)]  // final grid 8 × 6, not square
    public void Last_attention_map_gives_each_window_a_distribution(int height, int width)
    {
        manual_seed(8);
        using var swin = new SwinTransformer(TinySwin.Options(imgSize: 48));
        swin.eval();
        using var _ = no_grad();
        using var map = swin.LastAttentionMap(randn(2, 3, height, width));
        var (h, w) = swin.OutputGrid(height, width);
        var last = swin.Layers[^1].Blocks[^1];
        Assert.Equal(new long[] { 2, swin.Options.NumHeads[^1], h, w }, map.shape);
        Assert.True(map.ge(0).all().item<bool>());

        // Back into the block's frame: pad to whole windows, undo the shift, sum each window.
        var (ws, shift) = (last.WindowSize, last.ShiftSize);
        Assert.True(shift > 0, "the test should cover a shifted last block");
        var (hp, wp) = ((h + ws - 1) / ws * ws, (w + ws - 1) / ws * ws);
        var framed = nn.functional.pad(map, [0, wp - w, 0, hp - h]).roll([-shift, -shift], [2, 3]);
        var sums = framed.view(2, -1, hp / ws, ws, wp / ws, ws).sum([3, 5]);
        Golden.AssertClose(sums, ones_like(sums), 1e-6, "attention mass per window");
    }

    [Fact]
    public void Intermediate_layers_are_the_references_last_blocks()
    {
        manual_seed(9);
        using var swin = new SwinTransformer(TinySwin.Options());
        swin.eval();
        using var _ = no_grad();
        using var images = randn(2, 3, 32, 32);

        // The last block's normed output with its pooled token is the forward pass itself.
        var one = swin.IntermediateLayers(images, 1);
        Assert.Single(one);
        Golden.AssertClose(one[0], swin.Forward(images, null), 0.0, "last block");

        // Within the last stage: final width and grid, each through the final norm.
        var two = swin.IntermediateLayers(images, 2);
        Assert.All(two, t => Assert.Equal(new long[] { 2, 1 + 8 * 8, swin.EmbedDim }, t.shape));
        Golden.AssertClose(two[1], one[0], 0.0, "newest last");

        // Reaching into the first stage (as the reference does): its width and grid, not normed.
        var all = swin.IntermediateLayers(images, 4);
        Assert.Equal(new long[] { 2, 1 + 16 * 16, 16 }, all[0].shape);
        Assert.Equal(new long[] { 2, 1 + 16 * 16, 16 }, all[1].shape);
        Golden.AssertClose(all[3], one[0], 0.0, "n = 4, newest");
        Assert.Throws<ArgumentOutOfRangeException>(() => swin.IntermediateLayers(images, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => swin.IntermediateLayers(images, 0));
    }
}
