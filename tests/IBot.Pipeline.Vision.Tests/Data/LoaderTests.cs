using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Loading;
using IBot.Pipeline.Vision.Data.Masking;
using IBot.Pipeline.Vision.Data.Sources;

namespace IBot.Pipeline.Vision.Tests.Data;

public sealed class LoaderTests
{
    private static readonly MultiCropOptions SmallRecipe = new(new CropSpec(2, 32, 0.25, 1.0), new CropSpec(3, 16, 0.05, 0.25));

    private static MultiCropLoader Loader(int workers, long seed = 5) =>
        new(new SyntheticSource(24, 4, 48, 40, seed: 3), new MultiCropAugmentation(SmallRecipe),
            new MaskGenerator(MaskOptions.Paper), maskGrid: (4, 4), new LoaderOptions(BatchSize: 8, Workers: workers, Seed: seed));

    [Fact]
    public void Same_seed_gives_identical_batches_with_one_and_two_threads()
    {
        var one = Loader(workers: 1).Epoch(1).ToList();
        var two = Loader(workers: 2).Epoch(1).ToList();
        Assert.Equal(3, one.Count);
        Assert.Equal(one.Count, two.Count);
        for (var b = 0; b < one.Count; b++)
        {
            Assert.Equal(one[b].Indices, two[b].Indices);
            Assert.Equal(one[b].Labels, two[b].Labels);
            for (var c = 0; c < one[b].Crops.Length; c++) Assert.True(one[b].Crops[c].AsSpan().SequenceEqual(two[b].Crops[c]), $"batch {b} crop {c}");
            for (var g = 0; g < one[b].Masks.Length; g++) Assert.Equal(one[b].Masks[g], two[b].Masks[g]);
        }
    }

    [Fact]
    public void Epochs_and_seeds_change_order_and_views()
    {
        var loader = Loader(workers: 2);
        var e0 = loader.Epoch(0).First();
        var e1 = loader.Epoch(1).First();
        Assert.NotEqual(e0.Indices, e1.Indices);
        var other = Loader(workers: 2, seed: 6).Epoch(0).First();
        Assert.False(e0.Crops[0].AsSpan().SequenceEqual(other.Crops[0]));
    }

    [Fact]
    public void Batches_are_crop_major_with_the_recipe_shapes_and_every_sample_once()
    {
        var loader = Loader(workers: 2);
        var batches = loader.Epoch(0).ToList();
        Assert.Equal(24, batches.SelectMany(b => b.Indices).Distinct().Count());
        var first = batches[0];
        Assert.Equal([32, 32, 16, 16, 16], first.CropSizes);
        Assert.Equal(8 * 3 * 32 * 32, first.Crops[0].Length);
        Assert.Equal(8 * 3 * 16 * 16, first.Crops[4].Length);
        Assert.Equal(2, first.Masks.Length);
        Assert.Equal(8 * 4 * 4, first.Masks[0].Length);
        using var tensors = first.ToTensors(TorchSharp.torch.CPU, globalCrops: 2);
        Assert.Equal([8L, 3, 32, 32], tensors.GlobalCrops[1].shape);
        Assert.Equal(3, tensors.LocalCrops.Count);
        Assert.Equal([8L, 4, 4], tensors.Masks[0].shape);
    }

    [Fact]
    public void Resuming_mid_epoch_replays_the_same_batches()
    {
        var full = Loader(workers: 2).Epoch(2).ToList();
        var resumed = Loader(workers: 1).Epoch(2, startBatch: 1).ToList();
        Assert.Equal(full.Count - 1, resumed.Count);
        Assert.True(full[1].Crops[2].AsSpan().SequenceEqual(resumed[0].Crops[2]));
    }
}
