using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Models;

public sealed class InitTests
{
    [Fact]
    public void Weights_are_truncated_normal_with_std_002_like_the_reference()
    {
        manual_seed(0);
        using var vit = new VisionTransformer(new VitOptions(ImgSize: 32, PatchSize: 4, EmbedDim: 128, Depth: 2, NumHeads: 4));
        var weights = vit.named_parameters().Where(p => p.name.EndsWith("qkv.weight") || p.name is "pos_embed" or "cls_token")
            .Select(p => p.parameter.detach().flatten()).ToArray();
        using var all = cat(weights, 0);
        Assert.InRange(all.mean().item<float>(), -0.001f, 0.001f);
        Assert.InRange(all.std().item<float>(), 0.019f, 0.021f);
        Assert.True(all.abs().max().item<float>() > 0.05f, "a normal sample of this size has values beyond 2.5 std");
        Assert.True(all.unique().Item1.shape[0] > all.shape[0] / 2, "values must not repeat");
    }

    [Fact]
    public void Cls_features_of_different_images_differ_at_initialisation()
    {
        manual_seed(0);
        using var vit = new VisionTransformer(new VitOptions(ImgSize: 32, PatchSize: 4, EmbedDim: 64, Depth: 2, NumHeads: 4));
        vit.eval();
        using var _ = no_grad();
        using var cls = vit.Forward(randn(2, 3, 32, 32), null).select(1, 0);
        Assert.True(cls[0].sub(cls[1]).abs().max().item<float>() > 1e-3f);
        Assert.True(cls.abs().max().item<float>() > 0.1f);
    }
}
