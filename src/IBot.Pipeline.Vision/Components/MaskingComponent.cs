using IBot.Pipeline.Vision.Data.Masking;

namespace IBot.Pipeline.Vision.Components;

/// <summary>A masking kind: the reference's mask generator of one shape, built from the spec's options.</summary>
public abstract class MaskingComponent(MaskSpec spec, MaskShape shape) : IMaskGenerator
{
    private readonly MaskGenerator generator = new(spec.ToOptions(shape));

    public int StartEpoch => generator.StartEpoch;

    public bool[] Generate(int height, int width, int epoch, SampleRandom random) => generator.Generate(height, width, epoch, random);
}

/// <summary>The <c>block</c> masking kind: BEiT block-wise masks, the paper's choice.</summary>
public sealed class BlockMasking(MaskSpec spec) : MaskingComponent(spec, MaskShape.Block);

/// <summary>The <c>random</c> masking kind: uniformly random positions.</summary>
public sealed class RandomMasking(MaskSpec spec) : MaskingComponent(spec, MaskShape.Random);
