using IBot.Pipeline.Vision.Data.Masking;

namespace IBot.Pipeline.Vision.Components;

/// <summary>The <c>random</c> masking kind: uniformly random positions.</summary>
public sealed class RandomMasking(MaskSpec spec) : IMaskGenerator
{
    private readonly MaskGenerator generator = new(spec.ToOptions(MaskShape.Random));

    public int StartEpoch => generator.StartEpoch;

    public bool[] Generate(int height, int width, int epoch, SampleRandom random) => generator.Generate(height, width, epoch, random);
}
