using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Data.Imaging;

/// <summary>
/// Pillow's <c>ImageFilter.GaussianBlur(radius)</c>: not a true Gaussian but three passes of an
/// extended box blur per axis whose fractional radius matches the Gaussian's variance
/// (Gwosdek et al., 2011), in 24-bit fixed point. The radius is the standard deviation.
/// </summary>
public static class PilGaussianBlur
{
    private const int Passes = 3;

    public static RgbImage Apply(RgbImage image, double sigma)
    {
        if (sigma == 0) return new RgbImage(image.Width, image.Height, (byte[])image.Pixels.Clone());
        var radius = BoxRadius((float)sigma, Passes);
        var (w, h) = (image.Width, image.Height);
        var pixels = (byte[])image.Pixels.Clone();
        var line = new byte[Math.Max(w, h)];
        var output = new byte[Math.Max(w, h)];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++) line[x] = pixels[(y * w + x) * 3 + c];
                for (var pass = 0; pass < Passes; pass++)
                {
                    BoxBlurLine(line.AsSpan(0, w), output.AsSpan(0, w), radius);
                    output.AsSpan(0, w).CopyTo(line);
                }
                for (var x = 0; x < w; x++) pixels[(y * w + x) * 3 + c] = line[x];
            }
            for (var x = 0; x < w; x++)
            {
                for (var y = 0; y < h; y++) line[y] = pixels[(y * w + x) * 3 + c];
                for (var pass = 0; pass < Passes; pass++)
                {
                    BoxBlurLine(line.AsSpan(0, h), output.AsSpan(0, h), radius);
                    output.AsSpan(0, h).CopyTo(line);
                }
                for (var y = 0; y < h; y++) pixels[(y * w + x) * 3 + c] = line[y];
            }
        }
        return new RgbImage(w, h, pixels);
    }

    /// <summary>Pillow's <c>_gaussian_blur_radius</c>, in its mix of float and double arithmetic.</summary>
    private static float BoxRadius(float radius, int passes)
    {
        var sigma2 = radius * radius / passes;
        var boxLength = (float)Math.Sqrt(12.0 * sigma2 + 1.0);
        var l = (float)Math.Floor((boxLength - 1.0) / 2.0);
        var a = (2 * l + 1) * (l * (l + 1) - 3 * sigma2);
        a /= 6 * (sigma2 - (l + 1) * (l + 1));
        return l + a;
    }

    /// <summary>Pillow's <c>ImagingLineBoxBlur8</c>: a running sum over 2r+1 taps plus the two
    /// fractional end taps, edges extended by repeating the border pixel.</summary>
    private static void BoxBlurLine(ReadOnlySpan<byte> input, Span<byte> output, float floatRadius)
    {
        var radius = (int)floatRadius;
        var ww = (uint)((float)(1 << 24) / (floatRadius * 2 + 1));
        var fw = ((1u << 24) - (uint)(radius * 2 + 1) * ww) / 2;
        var lastx = input.Length - 1;
        var edgeA = Math.Min(radius + 1, input.Length);
        var edgeB = Math.Max(input.Length - radius - 1, 0);

        uint acc = (uint)(input[0] * (radius + 1));
        for (var x = 0; x < edgeA - 1; x++) acc += input[x];
        acc += (uint)(input[lastx] * (radius - edgeA + 1));

        void Step(int x, int subtract, int add, int left, int right, Span<byte> o, ReadOnlySpan<byte> i, ref uint a)
        {
            a += (uint)(i[add] - i[subtract]);
            var bulk = a * ww + (uint)(i[left] + i[right]) * fw;
            o[x] = (byte)((bulk + (1u << 23)) >> 24);
        }

        if (edgeA <= edgeB)
        {
            for (var x = 0; x < edgeA; x++) Step(x, 0, x + radius, 0, x + radius + 1, output, input, ref acc);
            for (var x = edgeA; x < edgeB; x++) Step(x, x - radius - 1, x + radius, x - radius - 1, x + radius + 1, output, input, ref acc);
            for (var x = edgeB; x <= lastx; x++) Step(x, x - radius - 1, lastx, x - radius - 1, lastx, output, input, ref acc);
        }
        else
        {
            for (var x = 0; x < edgeB; x++) Step(x, 0, x + radius, 0, x + radius + 1, output, input, ref acc);
            for (var x = edgeB; x < edgeA; x++) Step(x, 0, lastx, 0, lastx, output, input, ref acc);
            for (var x = edgeA; x <= lastx; x++) Step(x, x - radius - 1, lastx, x - radius - 1, lastx, output, input, ref acc);
        }
    }
}
