using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Sources;
using IBot.Pipeline.Vision.Eval;
using IBot.Pipeline.Vision.Models;
using SixLabors.ImageSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Eval;

public sealed class AttentionMapsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ibot-figures-").FullName;

    [Fact]
    public void Attention_rows_are_distributions_and_cls_maps_sum_to_one_before_upsampling()
    {
        manual_seed(0);
        using var vit = new VisionTransformer(new VitOptions(ImgSize: 16, PatchSize: 4, EmbedDim: 32, Depth: 2, NumHeads: 4));
        vit.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var images = randn(3, 3, 16, 16);
        var attention = vit.LastSelfAttention(images);                   // (3, 4, 17, 17)
        Assert.Equal([3L, 4, 17, 17], attention.shape);
        // Softmax over the keys: every query's weights sum to 1 (a softmax over the wrong axis fails here).
        Assert.True(attention.sum(-1).sub(1).abs().max().item<float>() < 1e-5f);
        Assert.True(attention.min().item<float>() >= 0);

        var maps = vit.AttentionMaps(images);                            // (3, 4, 4, 4)
        Assert.Equal([3L, 4, 4, 4], maps.shape);
        Assert.True(maps.sum([2, 3]).sub(1).abs().max().item<float>() < 1e-5f);
        // The [CLS] row without [CLS] → [CLS], rescaled by what that self-attention left over.
        var cls = attention.select(2, 0);
        var expected = cls.narrow(2, 1, 16).div(cls.narrow(2, 0, 1).neg().add(1)).reshape(3, 4, 4, 4);
        Assert.True(maps.allclose(expected, rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void The_visualised_weights_are_the_ones_the_fused_attention_uses()
    {
        manual_seed(1);
        using var attention = new Attention(32, 4, qkvBias: true);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(2, 17, 32);
        var (output, weights) = attention.ForwardWithWeights(x);
        Assert.True(output.allclose(attention.call(x), rtol: 1e-4, atol: 1e-5));
        Assert.Equal([2L, 4, 17, 17], weights.shape);
    }

    [Fact]
    public async Task Writes_a_png_with_one_row_per_image_and_a_panel_per_head()
    {
        manual_seed(0);
        using var vit = new VisionTransformer(new VitOptions(ImgSize: 16, PatchSize: 4, EmbedDim: 32, Depth: 2, NumHeads: 4));
        var context = new Context(vit, folder);
        var metrics = await new AttentionMapsEvaluator(new AttentionMapsSpec { Images = 3, PanelSize = 32 }).EvaluateAsync(context, CancellationToken.None);

        var path = Path.Combine(folder, "attention-epoch5.png");
        var info = Image.Identify(path);
        Assert.Equal(5 * 32 + 4 * 2, info.Width);   // image + 4 heads, 2-pixel gaps
        Assert.Equal(3 * 32 + 2 * 2, info.Height);  // 3 images
        Assert.InRange(metrics["entropy"], 0, Math.Log(16) + 1e-6);
    }

    private sealed class Context(VisionTransformer backbone, string figures) : IVisionEvaluationContext
    {
        private readonly SyntheticSource data = new(6, 3, 20, 20);
        public IBackbone Backbone => backbone;
        public IImageTransform Transform => new EvalTransform(16, 16);
        public Device Device => CPU;
        public IFeatureExtractor Features => throw new NotSupportedException();
        public IFeatureExtractor? HeadLogits => null;
        public IImageSource Train => data;
        public IImageSource Test => data;
        public int Epoch => 5;
        public string FiguresFolder => figures;
        public void Log(string message) { }
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
