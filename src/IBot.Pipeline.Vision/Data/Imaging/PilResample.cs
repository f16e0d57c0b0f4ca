using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Data.Imaging;

/// <summary>
/// Pillow's resampling (<c>Image.resize</c> with <c>BICUBIC</c>): a separable convolution whose
/// kernel widens with the reduction factor (antialiasing when shrinking), horizontal pass
/// first, 8-bit fixed-point coefficients with 22 fractional bits, rounding and clipping after
/// each pass. Implemented to the same integer arithmetic so crops match torchvision's.
/// </summary>
public static class PilResample
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double BicubicSupport = 2.0;

    /// <summary>Crops the box (left, top, width, height); pixels outside the image are black, as in PIL.</summary>
    public static RgbImage Crop(RgbImage image, int left, int top, int width, int height)
    {
        var output = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            var sy = top + y;
            if (sy < 0 || sy >= image.Height) continue;
            var x0 = Math.Max(0, -left);
            var x1 = Math.Min(width, image.Width - left);
            if (x1 <= x0) continue;
            Buffer.BlockCopy(image.Pixels, (sy * image.Width + left + x0) * 3, output, (y * width + x0) * 3, (x1 - x0) * 3);
        }
        return new RgbImage(width, height, output);
    }

    /// <summary>Resizes the whole image to <paramref name="width"/> × <paramref name="height"/> with bicubic resampling.</summary>
    public static RgbImage Resize(RgbImage image, int width, int height)
    {
        var needHorizontal = width != image.Width;
        var needVertical = height != image.Height;
        if (!needHorizontal && !needVertical) return new RgbImage(image.Width, image.Height, (byte[])image.Pixels.Clone());

        var (vBounds, vKernel, vSize) = Coefficients(image.Height, height);
        var source = image.Pixels;
        int srcWidth = image.Width, rowOffset = 0, rows = image.Height;
        if (needHorizontal)
        {
            // Only the rows the vertical pass reads.
            var first = vBounds[0];
            var last = vBounds[(height - 1) * 2] + vBounds[(height - 1) * 2 + 1];
            var (hBounds, hKernel, hSize) = Coefficients(image.Width, width);
            source = Horizontal(image.Pixels, image.Width, first, last - first, width, hBounds, hKernel, hSize);
            srcWidth = width;
            rowOffset = first;
            rows = last - first;
        }
        if (!needVertical) return new RgbImage(width, height, source);
        for (var i = 0; i < height; i++) vBounds[i * 2] -= rowOffset;
        _ = rows;
        return new RgbImage(srcWidth, height, Vertical(source, srcWidth, height, vBounds, vKernel, vSize));
    }

    private static byte[] Horizontal(byte[] src, int srcWidth, int firstRow, int rows, int outWidth, int[] bounds, int[] kernel, int ksize)
    {
        var output = new byte[outWidth * rows * 3];
        for (var y = 0; y < rows; y++)
        {
            var inRow = (y + firstRow) * srcWidth * 3;
            var outRow = y * outWidth * 3;
            for (var xx = 0; xx < outWidth; xx++)
            {
                int xmin = bounds[xx * 2], xmax = bounds[xx * 2 + 1], k = xx * ksize;
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (var x = 0; x < xmax; x++)
                {
                    var p = inRow + (x + xmin) * 3;
                    var w = kernel[k + x];
                    s0 += src[p] * w;
                    s1 += src[p + 1] * w;
                    s2 += src[p + 2] * w;
                }
                output[outRow + xx * 3] = Clip8(s0);
                output[outRow + xx * 3 + 1] = Clip8(s1);
                output[outRow + xx * 3 + 2] = Clip8(s2);
            }
        }
        return output;
    }

    private static byte[] Vertical(byte[] src, int width, int outHeight, int[] bounds, int[] kernel, int ksize)
    {
        var output = new byte[width * outHeight * 3];
        var stride = width * 3;
        for (var yy = 0; yy < outHeight; yy++)
        {
            int ymin = bounds[yy * 2], ymax = bounds[yy * 2 + 1], k = yy * ksize;
            for (var c = 0; c < stride; c++)
            {
                var s = 1 << (PrecisionBits - 1);
                for (var y = 0; y < ymax; y++) s += src[(y + ymin) * stride + c] * kernel[k + y];
                output[yy * stride + c] = Clip8(s);
            }
        }
        return output;
    }

    private static byte Clip8(int value)
    {
        var v = value >> PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    /// <summary>Pillow's <c>precompute_coeffs</c> for the whole input (box 0..inSize), then its
    /// conversion to fixed point: per output pixel the first input index, the tap count and
    /// the normalised weights.</summary>
    private static (int[] Bounds, int[] Kernel, int KSize) Coefficients(int inSize, int outSize)
    {
        double scale = (double)(float)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = BicubicSupport * filterScale;
        var ksize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var kernel = new int[outSize * ksize];
        var weights = new double[ksize];
        var invFilterScale = 1.0 / filterScale;
        for (var xx = 0; xx < outSize; xx++)
        {
            var center = (xx + 0.5) * scale;
            var xmin = Math.Max((int)(center - support + 0.5), 0);
            var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            double total = 0;
            for (var x = 0; x < xmax; x++)
            {
                weights[x] = Bicubic((x + xmin - center + 0.5) * invFilterScale);
                total += weights[x];
            }
            for (var x = 0; x < xmax; x++)
            {
                var w = total != 0.0 ? weights[x] / total : weights[x];
                kernel[xx * ksize + x] = w < 0 ? (int)(-0.5 + w * (1 << PrecisionBits)) : (int)(0.5 + w * (1 << PrecisionBits));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return (bounds, kernel, ksize);
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }
}
