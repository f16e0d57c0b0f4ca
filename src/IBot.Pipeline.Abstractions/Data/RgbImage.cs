namespace IBot.Pipeline.Abstractions.Data;

/// <summary>An 8-bit RGB image, row-major, interleaved (H, W, 3) — the layout PIL and torchvision
/// operate on, so augmentations can follow their integer arithmetic exactly.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size {width}x{height} must be positive");
        if (pixels.Length != checked(width * height * 3))
            throw new ArgumentException($"pixel buffer holds {pixels.Length} bytes, expected {width * height * 3} for {width}x{height} RGB");
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>(H, W, 3) bytes.</summary>
    public byte[] Pixels { get; }

    public static RgbImage Blank(int width, int height) => new(width, height, new byte[width * height * 3]);

    /// <summary>Expands a single-channel (H, W) image to three equal channels.</summary>
    public static RgbImage FromGray(int width, int height, ReadOnlySpan<byte> gray)
    {
        var pixels = new byte[width * height * 3];
        for (var i = 0; i < width * height; i++)
            pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = gray[i];
        return new RgbImage(width, height, pixels);
    }
}
