using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Imaging;

namespace IBot.Pipeline.Vision.Data.Augmentation;

/// <summary>
/// Produces the multi-crop views of one image with the reference's transforms, in its order:
/// random resized crop (bicubic), flip, colour jitter (the four adjustments in random order),
/// grayscale, Gaussian blur, solarization, normalisation. Crop i is written as (3, S, S)
/// float32 into the caller's buffer; every draw comes from the sample's own random stream.
/// </summary>
public sealed class MultiCropAugmentation : IAugmentation
{
    public MultiCropAugmentation(MultiCropOptions options)
    {
        options.Validate();
        Options = options;
    }

    /// <summary>Built from a spec's <c>multi_crop</c> section.</summary>
    public MultiCropAugmentation(Components.MultiCropSpec spec) : this(spec.ToOptions())
    {
    }

    public MultiCropOptions Options { get; }

    public CropLayout Layout => new(Options.Global.Count, Options.Global.Size, Options.Local.Count, Options.Local.Size);

    /// <summary>Size of crop <paramref name="crop"/> (global crops first).</summary>
    public int CropSize(int crop) => crop < Options.Global.Count ? Options.Global.Size : Options.Local.Size;

    /// <summary>Writes every crop of <paramref name="image"/> into <paramref name="destinations"/>[crop].</summary>
    public void Apply(RgbImage image, SampleRandom random, IReadOnlyList<Memory<float>> destinations)
    {
        var o = Options;
        for (var c = 0; c < o.TotalCrops; c++)
        {
            var global = c < o.Global.Count;
            var spec = global ? o.Global : o.Local;
            var blur = !global ? o.LocalBlurProbability : c == 0 ? o.FirstGlobalBlurProbability : o.OtherGlobalBlurProbability;
            var solarize = global && c > 0 ? o.SolarizeProbability : 0.0;
            var view = Crop(image, spec, blur, solarize, random);
            ImageTensors.Normalize(view, destinations[c].Span, o.Mean, o.Std);
        }
    }

    /// <summary>One augmented view as an image (before normalisation).</summary>
    public RgbImage Crop(RgbImage image, CropSpec spec, double blurProbability, double solarizeProbability, SampleRandom random)
    {
        var (top, left, h, w) = ResizedCropParams.Sample(image.Width, image.Height, spec.ScaleMin, spec.ScaleMax, random);
        var view = PilResample.Resize(PilResample.Crop(image, left, top, w, h), spec.Size, spec.Size);
        if (random.Bernoulli(Options.FlipProbability)) view = PilColor.HorizontalFlip(view);
        if (random.Bernoulli(Options.JitterProbability)) view = ColorJitter(view, random);
        if (random.Bernoulli(Options.GrayscaleProbability)) view = PilColor.Grayscale(view);
        if (random.Bernoulli(blurProbability)) view = PilGaussianBlur.Apply(view, random.Uniform(Options.BlurSigmaMin, Options.BlurSigmaMax));
        if (random.Bernoulli(solarizeProbability)) view = PilColor.Solarize(view);
        return view;
    }

    /// <summary>torchvision's <c>ColorJitter</c>: all four factors drawn, applied in a random order.</summary>
    private RgbImage ColorJitter(RgbImage view, SampleRandom random)
    {
        var order = random.Permutation(4);
        var brightness = random.Uniform(Math.Max(0, 1 - Options.Brightness), 1 + Options.Brightness);
        var contrast = random.Uniform(Math.Max(0, 1 - Options.Contrast), 1 + Options.Contrast);
        var saturation = random.Uniform(Math.Max(0, 1 - Options.Saturation), 1 + Options.Saturation);
        var hue = random.Uniform(-Options.Hue, Options.Hue);
        foreach (var op in order)
        {
            view = op switch
            {
                0 when Options.Brightness > 0 => PilColor.Brightness(view, brightness),
                1 when Options.Contrast > 0 => PilColor.Contrast(view, contrast),
                2 when Options.Saturation > 0 => PilColor.Saturation(view, saturation),
                3 when Options.Hue > 0 => PilColor.Hue(view, hue),
                _ => view,
            };
        }
        return view;
    }
}
