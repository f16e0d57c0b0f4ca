using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Masking;

namespace IBot.Pipeline.Vision.Tests.Data;

public sealed class TransformTests
{
    [Fact]
    public void Eval_transform_resizes_the_shorter_side_then_centre_crops()
    {
        // A 40 x 20 image whose left half is black and right half white: after resizing the
        // short side to 10 (20 x 10) and a centre 10 x 10 crop, columns 0-4 stay dark, 5-9 bright.
        var pixels = new byte[40 * 20 * 3];
        for (var y = 0; y < 20; y++)
            for (var x = 20; x < 40; x++)
                pixels[(y * 40 + x) * 3] = pixels[(y * 40 + x) * 3 + 1] = pixels[(y * 40 + x) * 3 + 2] = 255;
        var output = new float[3 * 10 * 10];
        new EvalTransform(10, 10).Apply(new RgbImage(40, 20, pixels), output);
        var row = Enumerable.Range(0, 10).Select(x => output[5 * 10 + x]).ToArray(); // red channel, row 5
        Assert.All(row[..4], v => Assert.True(v < -1.5f, $"{v}"));
        Assert.All(row[6..], v => Assert.True(v > 1.5f, $"{v}"));
    }

    [Fact]
    public void Masks_are_empty_before_the_start_epoch()
    {
        var generator = new MaskGenerator(new MaskOptions(MaskShape.Block, [0.3], [0.0], StartEpoch: 2));
        Assert.DoesNotContain(true, generator.Generate(14, 14, epoch: 1, new SampleRandom(0, 1, 0)));
        Assert.Contains(true, generator.Generate(14, 14, epoch: 2, new SampleRandom(0, 2, 0)));
    }

    [Fact]
    public void Resized_crop_falls_back_to_a_ratio_clamped_centre_crop()
    {
        // Scale 1.0 on a 100 x 10 strip cannot fit any aspect in [3/4, 4/3]: the fallback takes
        // the full height and width 10 · 4/3 ≈ 13, centred.
        var (top, left, h, w) = ResizedCropParams.Sample(100, 10, 1.0, 1.0, new SampleRandom(1, 0, 0));
        Assert.Equal((0, 10, 13), (top, h, w));
        Assert.Equal((100 - 13) / 2, left);
    }

    [Fact]
    public void Multi_crop_views_have_the_recipe_sizes()
    {
        var augmentation = new MultiCropAugmentation(new MultiCropOptions(new CropSpec(2, 24, 0.3, 1), new CropSpec(3, 12, 0.05, 0.3)));
        var image = new IBot.Pipeline.Vision.Data.Sources.SyntheticSource(1, 1, 50, 40).Load(0);
        var buffers = Enumerable.Range(0, 5).Select(c => new float[3 * augmentation.CropSize(c) * augmentation.CropSize(c)]).ToArray();
        augmentation.Apply(image, new SampleRandom(3, 0, 0), buffers.Select(b => b.AsMemory()).ToArray());
        Assert.All(buffers, b => Assert.Contains(b, v => v != 0));
        Assert.Equal(3 * 12 * 12, buffers[4].Length);
    }
}
