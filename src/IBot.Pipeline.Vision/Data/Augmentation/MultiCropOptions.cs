namespace IBot.Pipeline.Vision.Data.Augmentation;

/// <summary>One family of crops.</summary>
/// <param name="Count">How many crops of this kind per image.</param>
/// <param name="Size">Output side in pixels (224 global, 96 local in the paper).</param>
/// <param name="ScaleMin">Smallest crop area as a fraction of the image (0.25 global / 0.05 local in the paper; 0.14 / 0.05 in DINO).</param>
/// <param name="ScaleMax">Largest crop area as a fraction of the image (1.0 global / 0.25 local).</param>
public sealed record CropSpec(int Count, int Size, double ScaleMin, double ScaleMax)
{
    public void Validate(string what)
    {
        if (Count < 0) throw new ArgumentException($"{what}: count must be non-negative");
        if (Size <= 0) throw new ArgumentException($"{what}: size must be positive");
        if (ScaleMin <= 0 || ScaleMax > 1 || ScaleMin > ScaleMax) throw new ArgumentException($"{what}: scale [{ScaleMin}, {ScaleMax}] must satisfy 0 < min ≤ max ≤ 1");
    }
}

/// <summary>
/// The reference's multi-crop recipe (<c>DataAugmentationiBOT</c>). The probabilities default to
/// the paper's: flip 0.5; colour jitter 0.8 with brightness 0.4, contrast 0.4, saturation 0.2,
/// hue 0.1; grayscale 0.2; blur (σ 0.1–2.0) 1.0 on the first global crop, 0.1 on the others,
/// 0.5 on local crops; solarization 0.2 on global crops after the first.
/// </summary>
public sealed record MultiCropOptions(CropSpec Global, CropSpec Local)
{
    public static MultiCropOptions Paper => new(new CropSpec(2, 224, 0.25, 1.0), new CropSpec(10, 96, 0.05, 0.25));

    public double FlipProbability { get; init; } = 0.5;
    public double JitterProbability { get; init; } = 0.8;
    public double Brightness { get; init; } = 0.4;
    public double Contrast { get; init; } = 0.4;
    public double Saturation { get; init; } = 0.2;
    public double Hue { get; init; } = 0.1;
    public double GrayscaleProbability { get; init; } = 0.2;
    public double BlurSigmaMin { get; init; } = 0.1;
    public double BlurSigmaMax { get; init; } = 2.0;
    public double FirstGlobalBlurProbability { get; init; } = 1.0;
    public double OtherGlobalBlurProbability { get; init; } = 0.1;
    public double LocalBlurProbability { get; init; } = 0.5;
    public double SolarizeProbability { get; init; } = 0.2;
    public float[] Mean { get; init; } = [0.485f, 0.456f, 0.406f];
    public float[] Std { get; init; } = [0.229f, 0.224f, 0.225f];

    public int TotalCrops => Global.Count + Local.Count;

    public void Validate()
    {
        Global.Validate("global crops");
        Local.Validate("local crops");
        if (Global.Count < 1) throw new ArgumentException("at least one global crop is needed");
        if (Hue is < 0 or > 0.5) throw new ArgumentException("hue jitter must be in [0, 0.5]");
    }
}
