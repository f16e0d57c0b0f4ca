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
    public void Per_head_cls_maps_sum_to_one_before_upsampling()
    {
        manual_seed(0);
        using var vit = new VisionTransformer(new VitOptions(ImgSize: 16, PatchSize: 4, EmbedDim: 32, Depth: 2, NumHeads: 4));
        vit.eval();
        using var _ = no_grad();
        using var attention = vit.LastSelfAttention(randn(3, 3, 16, 16));
        using var maps = AttentionFigure.ClsMaps(attention, 4, 4);
        Assert.Equal([3L, 4, 4, 4], maps.shape);
        using var sums = maps.sum([2, 3]);
        Assert.True(sums.sub(1).abs().max().item<float>() < 1e-5f);
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
        public VisionTransformer Backbone => backbone;
        public EvalTransform Transform => new(16, 16);
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
