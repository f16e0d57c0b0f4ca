using IBot.Pipeline.Vision.Abstractions.Evaluation;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Imaging;

namespace IBot.Pipeline.Vision.Data.Augmentation;

/// <summary>
/// The evaluation transform of the reference's k-NN and linear protocols: resize the shorter
/// side to <paramref name="ResizeTo"/> (bicubic), centre-crop <paramref name="CropSize"/>,
/// normalise (ImageNet mean and std). 256 / 224 for ImageNet.
/// </summary>
public sealed record EvalTransform(int ResizeTo, int CropSize) : IImageTransform
{
    public void Apply(RgbImage image, Span<float> destination)
    {
        // torchvision Resize(int): shorter side to ResizeTo, the other scaled and truncated.
        var (w, h) = image.Width <= image.Height
            ? (ResizeTo, (int)((long)ResizeTo * image.Height / image.Width))
            : ((int)((long)ResizeTo * image.Width / image.Height), ResizeTo);
        var resized = (w, h) == (image.Width, image.Height) ? image : PilResample.Resize(image, w, h);
        // torchvision CenterCrop: offsets rounded as int(round((size - crop) / 2)).
        var top = (int)Math.Round((h - CropSize) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((w - CropSize) / 2.0, MidpointRounding.ToEven);
        var cropped = PilResample.Crop(resized, left, top, CropSize, CropSize);
        ImageTensors.Normalize(cropped, destination, ImageTensors.ImageNetMean, ImageTensors.ImageNetStd);
    }
}
