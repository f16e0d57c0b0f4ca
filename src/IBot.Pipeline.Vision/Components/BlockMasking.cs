using IBot.Pipeline.Vision.Data.Masking;

namespace IBot.Pipeline.Vision.Components;

/// <summary>The <c>block</c> masking kind: BEiT block-wise masks, the paper's choice.</summary>
public sealed class BlockMasking(MaskSpec spec) : IMaskGenerator
{
    private readonly MaskGenerator generator = new(spec.ToOptions(MaskShape.Block));

    public int StartEpoch => generator.StartEpoch;

    public bool[] Generate(int height, int width, int epoch, SampleRandom random) => generator.Generate(height, width, epoch, random);
}
