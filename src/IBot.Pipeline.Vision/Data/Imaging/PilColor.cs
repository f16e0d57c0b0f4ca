using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Data.Imaging;

/// <summary>
/// Colour operations as torchvision applies them to PIL images: <c>ImageEnhance</c>'s blend with
/// a degenerate image (brightness, contrast, saturation), hue rotation through PIL's HSV,
/// ITU-R 601-2 grayscale, solarization and horizontal flip. Integer and single-precision
/// arithmetic follows Pillow's C code so results match to the grey level.
/// </summary>
public static class PilColor
{
    /// <summary>PIL's RGB → L: (R·19595 + G·38470 + B·7471 + 2¹⁵) » 16.</summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    public static RgbImage HorizontalFlip(RgbImage image)
    {
        var (w, h, src) = (image.Width, image.Height, image.Pixels);
        var dst = new byte[src.Length];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                int s = (y * w + x) * 3, d = (y * w + (w - 1 - x)) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        return new RgbImage(w, h, dst);
    }

    /// <summary>Grayscale with three equal channels (torchvision's <c>rgb_to_grayscale(img, 3)</c>).</summary>
    public static RgbImage Grayscale(RgbImage image)
    {
        var src = image.Pixels;
        var dst = new byte[src.Length];
        for (var i = 0; i < src.Length; i += 3)
            dst[i] = dst[i + 1] = dst[i + 2] = Luma(src[i], src[i + 1], src[i + 2]);
        return new RgbImage(image.Width, image.Height, dst);
    }

    /// <summary>Inverts every channel value at or above <paramref name="threshold"/> (PIL's <c>ImageOps.solarize</c>).</summary>
    public static RgbImage Solarize(RgbImage image, int threshold = 128)
    {
        var src = image.Pixels;
        var dst = new byte[src.Length];
        for (var i = 0; i < src.Length; i++) dst[i] = src[i] < threshold ? src[i] : (byte)(255 - src[i]);
        return new RgbImage(image.Width, image.Height, dst);
    }

    /// <summary>Blend with black: factor 0 gives black, 1 the original.</summary>
    public static RgbImage Brightness(RgbImage image, double factor) =>
        Blend(image, _ => 0, factor);

    /// <summary>Blend with the image's mean grey level: factor 0 gives flat grey, 1 the original.</summary>
    public static RgbImage Contrast(RgbImage image, double factor)
    {
        var src = image.Pixels;
        long sum = 0;
        for (var i = 0; i < src.Length; i += 3) sum += Luma(src[i], src[i + 1], src[i + 2]);
        var mean = (int)((double)sum / (src.Length / 3) + 0.5);
        return Blend(image, _ => mean, factor);
    }

    /// <summary>Blend with the image's own grayscale: factor 0 gives grey, 1 the original.</summary>
    public static RgbImage Saturation(RgbImage image, double factor)
    {
        var src = image.Pixels;
        var gray = new byte[src.Length / 3];
        for (var i = 0; i < gray.Length; i++) gray[i] = Luma(src[3 * i], src[3 * i + 1], src[3 * i + 2]);
        return Blend(image, i => gray[i / 3], factor);
    }

    /// <summary>Rotates hue by <paramref name="factor"/> of a turn (−0.5 … 0.5) in PIL's 8-bit HSV,
    /// the shift wrapping modulo 256 as torchvision's uint8 addition does.</summary>
    public static RgbImage Hue(RgbImage image, double factor)
    {
        if (factor is < -0.5 or > 0.5) throw new ArgumentOutOfRangeException(nameof(factor), "hue factor must be in [-0.5, 0.5]");
        var shift = (byte)((int)(factor * 255) & 0xFF);
        var src = image.Pixels;
        var dst = new byte[src.Length];
        for (var i = 0; i < src.Length; i += 3)
        {
            var (h, s, v) = RgbToHsv(src[i], src[i + 1], src[i + 2]);
            HsvToRgb((byte)(h + shift), s, v, dst.AsSpan(i, 3));
        }
        return new RgbImage(image.Width, image.Height, dst);
    }

    /// <summary>Pillow's <c>ImagingBlend(degenerate, image, alpha)</c> with a single-precision alpha:
    /// interpolation truncates, extrapolation clips then truncates.</summary>
    private static RgbImage Blend(RgbImage image, Func<int, int> degenerate, double factor)
    {
        var alpha = (float)factor;
        var src = image.Pixels;
        if (alpha == 0.0f)
        {
            var flat = new byte[src.Length];
            for (var i = 0; i < src.Length; i++) flat[i] = (byte)degenerate(i);
            return new RgbImage(image.Width, image.Height, flat);
        }
        if (alpha == 1.0f) return new RgbImage(image.Width, image.Height, (byte[])src.Clone());
        var dst = new byte[src.Length];
        var interpolate = alpha is >= 0 and <= 1.0f;
        for (var i = 0; i < src.Length; i++)
        {
            var d = degenerate(i);
            var temp = d + alpha * (src[i] - d);
            dst[i] = interpolate ? (byte)temp : temp <= 0.0f ? (byte)0 : temp >= 255.0f ? (byte)255 : (byte)temp;
        }
        return new RgbImage(image.Width, image.Height, dst);
    }

    /// <summary>Pillow's <c>rgb2hsv_row</c> (colorsys semantics, 8-bit output).</summary>
    private static (byte H, byte S, byte V) RgbToHsv(byte r, byte g, byte b)
    {
        var maxc = Math.Max(r, Math.Max(g, b));
        var minc = Math.Min(r, Math.Min(g, b));
        if (minc == maxc) return (0, 0, maxc);
        var cr = (float)(maxc - minc);
        var s = cr / maxc;
        var rc = (maxc - r) / cr;
        var gc = (maxc - g) / cr;
        var bc = (maxc - b) / cr;
        float h;
        if (r == maxc) h = bc - gc;
        else if (g == maxc) h = (float)(2.0 + rc - bc);
        else h = (float)(4.0 + gc - rc);
        h = (float)((h / 6.0 + 1.0) % 1.0); // C# % on doubles is C's fmod
        return ((byte)Clip8((int)(h * 255.0)), (byte)Clip8((int)(s * 255.0)), maxc);
    }

    /// <summary>Pillow's <c>hsv2rgb</c>.</summary>
    private static void HsvToRgb(byte h, byte s, byte v, Span<byte> rgb)
    {
        if (s == 0)
        {
            rgb[0] = rgb[1] = rgb[2] = v;
            return;
        }
        var i = (int)Math.Floor((float)h * 6.0 / 255.0);
        var f = (float)((float)h * 6.0 / 255.0 - (float)i);
        var fs = (float)(s / 255.0);
        var p = (byte)Clip8((int)Math.Round(v * (1.0 - fs), MidpointRounding.AwayFromZero));
        var q = (byte)Clip8((int)Math.Round(v * (1.0 - fs * f), MidpointRounding.AwayFromZero));
        var t = (byte)Clip8((int)Math.Round(v * (1.0 - fs * (1.0 - f)), MidpointRounding.AwayFromZero));
        (rgb[0], rgb[1], rgb[2]) = (i % 6) switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    private static int Clip8(int v) => v < 0 ? 0 : v > 255 ? 255 : v;
}
