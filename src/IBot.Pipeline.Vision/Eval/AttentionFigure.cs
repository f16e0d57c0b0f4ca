using TorchSharp;
using IBot.Pipeline.Vision.Runtime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Eval;

/// <summary>
/// The paper's attention figure: one row per image — the image, then the last block's [CLS]
/// attention of every head over the patches (renormalised to a distribution over patches,
/// nearest-upsampled to the image, viridis colours, each map stretched between its own
/// minimum and maximum).
/// </summary>
public static class AttentionFigure
{
    /// <summary>Writes the figure; <paramref name="images"/> are (N, 3, S, S) in [0, 1].</summary>
    public static void Save(string path, Tensor images, Tensor maps, int cell)
    {
        var (n, heads) = ((int)maps.shape[0], (int)maps.shape[1]);
        using var scope = NewDisposeScope();
        var pictures = nn.functional.interpolate(images, size: [cell, cell], mode: InterpolationMode.Nearest).clamp(Scalars.Zero, Scalars.One).contiguous(); // (N, 3, C, C)
        var upsampled = nn.functional.interpolate(maps, size: [cell, cell], mode: InterpolationMode.Nearest);                           // (N, H, C, C)
        // Each map stretched from its own minimum to maximum, so weak structure stays visible.
        var low = upsampled.amin([2, 3], keepdim: true);
        using var tiny = 1e-12.ToScalar();
        var scaled = upsampled.sub(low).div(upsampled.amax([2, 3], keepdim: true).sub(low).clamp_min(tiny)).contiguous();
        var pix = pictures.data<float>().ToArray();
        var att = scaled.data<float>().ToArray();
        const int gap = 2;
        var width = (heads + 1) * cell + heads * gap;
        var height = n * cell + (n - 1) * gap;
        using var figure = new Image<Rgb24>(width, height, new Rgb24(255, 255, 255));
        for (var i = 0; i < n; i++)
        {
            var top = i * (cell + gap);
            for (var y = 0; y < cell; y++)
                for (var x = 0; x < cell; x++)
                {
                    var p = i * 3 * cell * cell + y * cell + x;
                    figure[x, top + y] = new Rgb24(ToByte(pix[p]), ToByte(pix[p + cell * cell]), ToByte(pix[p + 2 * cell * cell]));
                    for (var h = 0; h < heads; h++)
                        figure[(h + 1) * (cell + gap) + x, top + y] = Viridis(att[((i * heads + h) * cell + y) * cell + x]);
                }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp.png";
        figure.SaveAsPng(tmp);
        File.Move(tmp, path, overwrite: true);
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)Math.Round(v * 255), 0, 255);

    // Viridis anchors at 0, 0.25, 0.5, 0.75, 1, linearly interpolated.
    private static readonly (double R, double G, double B)[] Anchors =
        [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];

    private static Rgb24 Viridis(float value)
    {
        var t = Math.Clamp(value, 0f, 1f) * (Anchors.Length - 1);
        var i = Math.Min((int)t, Anchors.Length - 2);
        var f = t - i;
        var (a, b) = (Anchors[i], Anchors[i + 1]);
        return new Rgb24((byte)(a.R + (b.R - a.R) * f), (byte)(a.G + (b.G - a.G) * f), (byte)(a.B + (b.B - a.B) * f));
    }
}
