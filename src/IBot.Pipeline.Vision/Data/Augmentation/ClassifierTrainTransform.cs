using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Imaging;

namespace IBot.Pipeline.Vision.Data.Augmentation;

/// <summary>
/// The training transform of the reference's linear and fine-tuning protocols (its torchvision
/// part): <c>RandomResizedCrop(size, scale)</c> with bicubic resampling, horizontal flip with
/// probability 0.5, ImageNet normalisation. Every draw comes from the stream of (seed, epoch,
/// sample index), so an evaluation is reproducible whatever the thread count.
/// </summary>
/// <param name="Size">Output side in pixels.</param>
/// <param name="ScaleMin">Smallest crop area fraction (torchvision's default 0.08).</param>
/// <param name="ScaleMax">Largest crop area fraction (1).</param>
/// <param name="Seed">Seed of the evaluation.</param>
public sealed record ClassifierTrainTransform(int Size, double ScaleMin, double ScaleMax, long Seed)
{
    private const int Stream = 0x1AB6;

    public void Apply(RgbImage image, long epoch, long index, Span<float> destination)
    {
        var random = new SampleRandom(Seed, epoch, index, Stream);
        var (top, left, h, w) = ResizedCropParams.Sample(image.Width, image.Height, ScaleMin, ScaleMax, random);
        var view = PilResample.Resize(PilResample.Crop(image, left, top, w, h), Size, Size);
        if (random.Bernoulli(0.5)) view = PilColor.HorizontalFlip(view);
        ImageTensors.Normalize(view, destination, ImageTensors.ImageNetMean, ImageTensors.ImageNetStd);
    }
}
