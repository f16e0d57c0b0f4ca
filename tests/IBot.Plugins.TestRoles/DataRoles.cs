using IBot.Pipeline.Abstractions.Data;

namespace IBot.Plugins.TestRoles;

/// <summary>Data: checkerboards whose square size is the label.</summary>
public sealed class Checkerboards(CheckerboardOptions options) : IImageSource
{
    public int Count => options.Count;
    public IReadOnlyList<string> Classes => Enumerable.Range(0, options.Classes).Select(c => $"squares{c + 1}").ToArray();
    public int Label(int index) => index % options.Classes;
    public string Describe(int index) => $"checkerboard {index}";

    public RgbImage Load(int index)
    {
        var s = options.Size;
        var square = Label(index) + 1;
        var pixels = new byte[s * s * 3];
        for (var y = 0; y < s; y++)
            for (var x = 0; x < s; x++)
                pixels[(y * s + x) * 3 + index % 3] = ((x / square) + (y / square)) % 2 == 0 ? (byte)255 : (byte)(index * 7 % 64);
        return new RgbImage(s, s, pixels);
    }
}

/// <summary>Augmentation: random square crops (nearest pixels), scaled to [-1, 1].</summary>
public sealed class CropViews(CropViewsOptions options) : IAugmentation
{
    public CropLayout Layout { get; } = new(2, options.GlobalSize, 1, options.LocalSize);

    public void Apply(RgbImage image, SampleRandom random, IReadOnlyList<Memory<float>> destinations)
    {
        for (var v = 0; v < Layout.TotalCrops; v++)
        {
            var size = Layout.SizeOf(v);
            var side = random.Integer(Math.Min(size, image.Width) / 2, Math.Min(image.Width, image.Height));
            var (top, left) = (random.Integer(0, image.Height - side), random.Integer(0, image.Width - side));
            var span = destinations[v].Span;
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < size; y++)
                    for (var x = 0; x < size; x++)
                    {
                        var (sy, sx) = (top + y * side / size, left + x * side / size);
                        span[(c * size + y) * size + x] = image.Pixels[(sy * image.Width + sx) * 3 + c] / 127.5f - 1f;
                    }
        }
    }
}

/// <summary>Masking: every n-th row of the grid, from a random offset.</summary>
public sealed class Stripes(StripesOptions options) : IMaskGenerator
{
    public int StartEpoch => 0;

    public bool[] Generate(int height, int width, int epoch, SampleRandom random)
    {
        var offset = random.Integer(0, options.Every - 1);
        var mask = new bool[height * width];
        for (var y = offset; y < height; y += options.Every)
            for (var x = 0; x < width; x++) mask[y * width + x] = true;
        return mask;
    }
}
