namespace IBot.Pipeline.Vision.Data.Masking;

/// <summary>
/// Patch masks for masked image modelling, following the reference's <c>ImageFolderMask</c>:
/// block-wise (BEiT) or random, the ratio drawn per image, nothing masked before the start
/// epoch. A mask is (h · w) booleans, row-major, true = masked.
/// </summary>
public sealed class MaskGenerator : IMaskGenerator
{
    private const int TriesPerBlock = 10;
    private readonly MaskOptions options;
    private readonly double logAspectMin;
    private readonly double logAspectMax;

    public MaskGenerator(MaskOptions options)
    {
        options.Validate();
        this.options = options;
        logAspectMin = Math.Log(options.MinAspect);
        logAspectMax = Math.Log(1 / options.MinAspect);
    }

    public MaskOptions Options => options;

    public int StartEpoch => options.StartEpoch;

    /// <summary>A mask for an h × w patch grid.</summary>
    public bool[] Generate(int height, int width, int epoch, SampleRandom random)
    {
        var mask = new bool[height * width];
        var target = PredictionRatio(epoch, random) * height * width;
        if (options.Shape == MaskShape.Block) FillBlocks(mask, height, width, target, random);
        else FillRandom(mask, (int)target, random);
        return mask;
    }

    /// <summary>The reference's <c>get_pred_ratio</c>.</summary>
    private double PredictionRatio(int epoch, SampleRandom random)
    {
        if (epoch < options.StartEpoch) return 0;
        if (options.Ratios.Count == 1)
        {
            var (r, v) = (options.Ratios[0], options.RatioVars[0]);
            return v > 0 ? random.Uniform(r - v, r + v) : r;
        }
        // One value per range, then one range: as the reference draws them.
        var values = new double[options.Ratios.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var r = options.Ratios[i];
            var v = options.RatioVars.Count == 1 ? options.RatioVars[0] : options.RatioVars[i];
            values[i] = v > 0 ? random.Uniform(r - v, r + v) : r;
        }
        return values[random.Integer(0, values.Length - 1)];
    }

    /// <summary>BEiT: place rectangles of area ≥ (min(h, w) / 3)² and aspect in [a, 1/a], at most
    /// 10 tries each, never past the target count; stop when a whole round adds nothing.</summary>
    private void FillBlocks(bool[] mask, int h, int w, double target, SampleRandom random)
    {
        var count = 0;
        var minArea = Math.Pow(Math.Min(h, w) / 3, 2);
        while (count < target)
        {
            var maxPatches = target - count;
            var delta = 0;
            for (var attempt = 0; attempt < TriesPerBlock && delta == 0; attempt++)
            {
                var area = random.Uniform(minArea, maxPatches);
                var aspect = Math.Exp(random.Uniform(logAspectMin, logAspectMax));
                var bh = (int)Math.Round(Math.Sqrt(area * aspect), MidpointRounding.ToEven);
                var bw = (int)Math.Round(Math.Sqrt(area / aspect), MidpointRounding.ToEven);
                if (bw >= w || bh >= h) continue;
                var top = random.Integer(0, h - bh);
                var left = random.Integer(0, w - bw);
                var already = 0;
                for (var i = top; i < top + bh; i++)
                    for (var j = left; j < left + bw; j++)
                        if (mask[i * w + j]) already++;
                var added = bh * bw - already;
                if (added <= 0 || added > maxPatches) continue;
                for (var i = top; i < top + bh; i++)
                    for (var j = left; j < left + bw; j++)
                        if (!mask[i * w + j]) { mask[i * w + j] = true; delta++; }
            }
            if (delta == 0) break;
            count += delta;
        }
    }

    private static void FillRandom(bool[] mask, int count, SampleRandom random)
    {
        for (var i = mask.Length - count; i < mask.Length; i++) mask[i] = true;
        random.Shuffle(mask.AsSpan());
    }
}
