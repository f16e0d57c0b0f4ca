using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data.Sources;
using IBot.Pipeline.Vision.Eval;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Eval;

public sealed class LinearEvaluatorTests
{
    private static readonly VitOptions Tiny = new(ImgSize: 16, PatchSize: 4, EmbedDim: 32, Depth: 2, NumHeads: 4);

    [Theory]
    [InlineData(false, ProbePooling.Cls)]
    [InlineData(true, ProbePooling.ClsAvgpool)]
    public async Task A_frozen_random_vit_separates_synthetic_classes(bool augment, ProbePooling pool)
    {
        manual_seed(0);
        using var backbone = new VisionTransformer(Tiny);
        var context = new TestContext(backbone, new SyntheticSource(160, 4, 20, 20, seed: 1), new SyntheticSource(80, 4, 20, 20, seed: 2));
        var spec = new LinearSpec { LastBlocks = 2, Pool = pool, Epochs = 10, BatchSize = 32, Lr = [1e-6, 0.05, 0.5], Augment = augment, CropScale = [0.5, 1.0] };
        var metrics = await new LinearEvaluator(spec).EvaluateAsync(context, CancellationToken.None);
        Assert.True(metrics["top1"] >= 90, string.Join("\n", context.Messages));
        Assert.NotEqual(1e-6, metrics["best_lr"]);
        Assert.Equal(11, context.Messages.Count); // one line per epoch and the summary
        Assert.True(backbone.training);
    }

    [Fact]
    public async Task Random_labels_stay_at_chance()
    {
        manual_seed(0);
        using var backbone = new VisionTransformer(Tiny);
        var train = new RandomLabels(new SyntheticSource(160, 4, 20, 20, seed: 1), 5);
        var test = new RandomLabels(new SyntheticSource(200, 4, 20, 20, seed: 2), 6);
        var spec = new LinearSpec { LastBlocks = 2, Epochs = 10, BatchSize = 32, Lr = [0.05, 0.5], Augment = false };
        var metrics = await new LinearEvaluator(spec).EvaluateAsync(new TestContext(backbone, train, test), CancellationToken.None);
        Assert.InRange(metrics["top1"], 5, 40);
    }

    [Fact]
    public void Features_are_the_normed_cls_tokens_of_the_last_blocks_then_the_patch_mean()
    {
        manual_seed(0);
        using var backbone = new VisionTransformer(Tiny);
        backbone.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var images = randn(3, 3, 16, 16);
        var features = ProbeFeatures.Compute(backbone, images, 2, ProbePooling.ClsAvgpool);
        Assert.Equal([3L, 3 * 32], features.shape);
        var last = backbone.Forward(images, null); // final norm applied to the last block
        Assert.True(features.narrow(1, 32, 32).allclose(last.select(1, 0), atol: 1e-6));
        Assert.True(features.narrow(1, 64, 32).allclose(last.narrow(1, 1, 16).mean([1]), atol: 1e-6));
        Assert.Equal(64, ProbeFeatures.Dimension(32, 2, ProbePooling.Cls));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProbeFeatures.Compute(backbone, images, 3, ProbePooling.Cls));
    }

    [Fact]
    public void The_default_sweep_is_the_reference_grid_of_45_learning_rates()
    {
        var lrs = LinearSpec.ReferenceLearningRates;
        Assert.Equal(45, lrs.Length);
        Assert.Equal([0.0001, 0.0002, 0.0003], lrs[..3]);
        Assert.Equal([0.009, 0.01, 0.02], lrs[17..20]);
        Assert.Equal(9.0, lrs[^1]);
    }
}
