using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Data.Imaging;

/// <summary>torchvision's <c>ToTensor</c> + <c>Normalize</c>: (H, W, 3) bytes to (3, H, W) float32,
/// x / 255 then (x − mean) / std, each step in single precision as torch computes it.</summary>
public static class ImageTensors
{
    /// <summary>ImageNet statistics, the reference's normalisation.</summary>
    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];

    public static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>Writes the normalised (3, H, W) image into <paramref name="destination"/>.</summary>
    public static void Normalize(RgbImage image, Span<float> destination, ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        var plane = image.Width * image.Height;
        if (destination.Length < 3 * plane) throw new ArgumentException("destination is too small", nameof(destination));
        var src = image.Pixels;
        for (var c = 0; c < 3; c++)
        {
            float m = mean[c], s = std[c];
            var dst = destination.Slice(c * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                var scaled = src[i * 3 + c] / 255f;
                dst[i] = (scaled - m) / s;
            }
        }
    }
}
