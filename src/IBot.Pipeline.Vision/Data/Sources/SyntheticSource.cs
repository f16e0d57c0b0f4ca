using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Data.Sources;

/// <summary>
/// Procedural labelled images for tests and benchmarks: each class is a distinct family of
/// oriented gratings in its own colour, with per-image random phase, frequency jitter,
/// contrast and noise, so that features can separate classes but no two images are equal.
/// Deterministic in (seed, index); no files needed.
/// </summary>
public sealed class SyntheticSource(int count, int classes, int width, int height, long seed = 0) : IImageSource
{
    public int Count { get; } = count > 0 ? count : throw new ArgumentException("count must be positive");

    public IReadOnlyList<string> Classes { get; } = Enumerable.Range(0, classes > 0 ? classes : throw new ArgumentException("classes must be positive"))
        .Select(i => $"pattern_{i}").ToArray();

    public int Label(int index) => index % Classes.Count;

    public string Describe(int index) => $"synthetic[{index}]";

    public RgbImage Load(int index)
    {
        var label = Label(index);
        var random = new SampleRandom(seed, 0, index, purpose: 7);
        var angle = Math.PI * label / Classes.Count + random.Uniform(-0.15, 0.15);
        var frequency = (2 + label % 4) * (1 + random.Uniform(-0.1, 0.1)) * 2 * Math.PI / Math.Min(width, height);
        var phase = random.Uniform(0, 2 * Math.PI);
        var contrast = random.Uniform(0.5, 1.0);
        var hue = (double)label / Classes.Count;
        var (r, g, b) = (0.5 + 0.5 * Math.Cos(2 * Math.PI * hue), 0.5 + 0.5 * Math.Cos(2 * Math.PI * (hue - 1.0 / 3)), 0.5 + 0.5 * Math.Cos(2 * Math.PI * (hue - 2.0 / 3)));
        var (c, s) = (Math.Cos(angle), Math.Sin(angle));
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var wave = 0.5 + 0.5 * contrast * Math.Sin(frequency * (x * c + y * s) + phase);
                var noise = random.Uniform(-0.08, 0.08);
                var i = (y * width + x) * 3;
                pixels[i] = ToByte(wave * r + noise);
                pixels[i + 1] = ToByte(wave * g + noise);
                pixels[i + 2] = ToByte(wave * b + noise);
            }
        return new RgbImage(width, height, pixels);
    }

    private static byte ToByte(double v) => (byte)Math.Clamp((int)Math.Round(v * 255), 0, 255);
}
