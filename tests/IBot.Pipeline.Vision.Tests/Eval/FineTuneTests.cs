using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data.Sources;
using IBot.Pipeline.Vision.Eval;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Train;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Eval;

public sealed class FineTuneTests
{
    private static readonly VitOptions Tiny = new(ImgSize: 16, PatchSize: 4, EmbedDim: 32, Depth: 2, NumHeads: 4, MaskedImageModeling: true);

    private static FineTuneSpec Spec(string labels = "100%") => new()
    {
        Epochs = 8, BatchSize = 16, Lr = 2e-3, WarmupEpochs = 1, LayerDecay = 0.75, DropPath = 0.1, Augment = true, CropScale = [0.5, 1.0], Labels = labels,
    };

    [Fact]
    public async Task Fine_tuning_learns_separable_images_and_leaves_the_evaluated_backbone_untouched()
    {
        manual_seed(0);
        using var backbone = new VisionTransformer(Tiny);
        var before = StateDicts.Export(backbone);
        var context = new TestContext(backbone, new SyntheticSource(160, 4, 20, 20, seed: 1), new SyntheticSource(80, 4, 20, 20, seed: 2));
        var metrics = await new FineTuneEvaluator(Spec()).EvaluateAsync(context, CancellationToken.None);

        Assert.True(metrics["top1"] >= 90, string.Join("\n", context.Messages));
        Assert.InRange(metrics["best_epoch"], 1, 8);
        var after = StateDicts.Export(backbone);
        Assert.All(before, kv => Assert.True(kv.Value.equal(after[kv.Key]).all().item<bool>(), kv.Key));
        Assert.True(backbone.training);
    }

    [Fact]
    public async Task Random_labels_stay_at_chance()
    {
        manual_seed(0);
        using var backbone = new VisionTransformer(Tiny);
        var train = new RandomLabels(new SyntheticSource(160, 4, 20, 20, seed: 1), 5);
        var test = new RandomLabels(new SyntheticSource(200, 4, 20, 20, seed: 2), 6);
        var metrics = await new FineTuneEvaluator(Spec()).EvaluateAsync(new TestContext(backbone, train, test), CancellationToken.None);
        // Chance is 25 %; the best of 8 evaluations on 200 images stays well below 40 %.
        Assert.InRange(metrics["top1"], 5, 40);
    }

    [Fact]
    public void Layer_decay_scales_and_weight_decay_groups_follow_the_reference()
    {
        using var model = new BackboneClassifier(new VisionTransformer(Tiny with { MaskedImageModeling = false }), 5, avgpool: false);
        var groups = LayerDecay.Groups(model, model.Backbone, decay: 0.5);
        var byName = groups.SelectMany(g => g.Group.Parameters.Select(p => (p.Name, g))).ToDictionary(x => x.Name, x => x.g);
        Assert.Equal(model.named_parameters().Count(), byName.Count);

        void Check(string name, int layer, bool decayed)
        {
            var g = byName[name];
            Assert.Equal(layer, g.LayerId);
            Assert.Equal(Math.Pow(0.5, 3 - layer), g.LearningRateScale, 12);
            Assert.Equal(decayed, g.Group.Regularized);
        }
        Check("backbone.patch_embed.proj.weight", 0, true);
        Check("backbone.patch_embed.proj.bias", 0, false);
        Check("backbone.cls_token", 0, false);
        Check("backbone.pos_embed", 0, false);
        Check("backbone.blocks.0.attn.qkv.weight", 1, true);
        Check("backbone.blocks.1.mlp.fc2.weight", 2, true);
        Check("backbone.blocks.1.norm1.weight", 2, false);
        Check("backbone.norm.weight", 3, false);
        Check("head.weight", 3, true);
        Check("head.bias", 3, false);

        LayerDecay.Apply(groups, 1e-3, 0.05);
        Assert.Equal(1e-3 * 0.125, byName["backbone.cls_token"].Group.LearningRate, 15);
        Assert.Equal(0.0, byName["backbone.cls_token"].Group.WeightDecay);
        Assert.Equal(0.05, byName["head.weight"].Group.WeightDecay);
    }

    [Fact]
    public async Task A_label_fraction_fine_tunes_on_that_many_images()
    {
        manual_seed(0);
        using var backbone = new VisionTransformer(Tiny);
        var context = new TestContext(backbone, new SyntheticSource(160, 4, 20, 20, seed: 1), new SyntheticSource(20, 4, 20, 20, seed: 2));
        var spec = new FineTuneSpec { Epochs = 1, BatchSize = 64, WarmupEpochs = 0, Labels = "10%" };
        await new FineTuneEvaluator(spec).EvaluateAsync(context, CancellationToken.None);
        Assert.Contains(context.Messages, m => m.Contains("16 labelled images", StringComparison.Ordinal));
    }
}
