using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Data.Imaging;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Parity;

/// <summary>Image operations against torchvision/PIL outputs with the README's criteria.</summary>
[Trait("Category", "Parity")]
public sealed class AugmentParityTests : IDisposable
{
    private readonly SafeTensorsFile golden = Golden.Load("augment.safetensors");
    private readonly System.Text.Json.JsonElement config;
    private readonly RgbImage input;

    public AugmentParityTests()
    {
        config = Golden.Config(golden);
        input = ToImage(golden["input.image"]);
    }

    [Fact]
    public void Flip_and_solarization_are_exact()
    {
        AssertExact(PilColor.HorizontalFlip(input), "output.hflip");
        AssertExact(PilColor.Solarize(input, config.Int("solarize_threshold")), "output.solarize");
    }

    [Fact]
    public void Brightness_contrast_saturation_grayscale_within_one_level()
    {
        AssertWithin(PilColor.Brightness(input, config.Double("brightness")), "output.brightness", 1, 2);
        AssertWithin(PilColor.Contrast(input, config.Double("contrast")), "output.contrast", 1, 2);
        AssertWithin(PilColor.Saturation(input, config.Double("saturation")), "output.saturation", 1, 2);
        AssertWithin(PilColor.Grayscale(input), "output.grayscale", 1, 2);
    }

    [Fact]
    public void Hue_within_two_levels()
    {
        AssertWithin(PilColor.Hue(input, config.Double("hue")), "output.hue", 2, null);
    }

    [Fact]
    public void Gaussian_blur_within_two_levels()
    {
        AssertWithin(PilGaussianBlur.Apply(input, config.Double("gaussian_blur_radius")), "output.gaussian_blur", 2, null);
    }

    [Theory]
    [InlineData("resized_crop_down")]
    [InlineData("resized_crop_up")]
    public void Bicubic_resized_crops_within_two_levels(string name)
    {
        var box = config.GetProperty(name);
        var size = box.Int("size");
        var crop = PilResample.Crop(input, box.Int("left"), box.Int("top"), box.Int("width"), box.Int("height"));
        AssertWithin(PilResample.Resize(crop, size, size), "output." + name, 2, null);
    }

    [Fact]
    public void Normalisation_within_1e6()
    {
        var n = config.GetProperty("normalize");
        var mean = n.GetProperty("mean").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        var std = n.GetProperty("std").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        var data = new float[3 * input.Width * input.Height];
        ImageTensors.Normalize(input, data, mean, std);
        using var ours = tensor(data, 3, input.Height, input.Width);
        Golden.AssertClose(ours, golden["output.normalized"], 1e-6, "normalized");
    }

    private void AssertExact(RgbImage ours, string name)
    {
        var expected = ToImage(golden[name]);
        Assert.Equal((expected.Width, expected.Height), (ours.Width, ours.Height));
        Assert.True(expected.Pixels.AsSpan().SequenceEqual(ours.Pixels), $"{name} differs");
    }

    private void AssertWithin(RgbImage ours, string name, double meanLimit, int? maxLimit)
    {
        var expected = ToImage(golden[name]);
        Assert.Equal((expected.Width, expected.Height), (ours.Width, ours.Height));
        var diffs = expected.Pixels.Zip(ours.Pixels, (a, b) => Math.Abs(a - b)).ToArray();
        var mean = diffs.Average();
        Assert.True(mean <= meanLimit, $"{name}: mean absolute difference {mean:F3} > {meanLimit}");
        if (maxLimit is { } max) Assert.True(diffs.Max() <= max, $"{name}: a pixel differs by {diffs.Max()} > {max}");
    }

    private static RgbImage ToImage(Tensor hwc) =>
        new((int)hwc.shape[1], (int)hwc.shape[0], hwc.contiguous().data<byte>().ToArray());

    public void Dispose() => golden.Dispose();
}
