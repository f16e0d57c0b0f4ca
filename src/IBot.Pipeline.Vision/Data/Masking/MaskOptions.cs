namespace IBot.Pipeline.Vision.Data.Masking;

/// <summary>Shape of the masked region.</summary>
public enum MaskShape
{
    /// <summary>BEiT block-wise masking: rectangles of random area and aspect ratio.</summary>
    Block,
    /// <summary>Uniformly random patches.</summary>
    Random,
}

/// <summary>
/// Masked-image-modelling options (reference names in brackets). The prediction ratio is
/// one value or several; with several, each image draws one range ratio ± var and a value
/// from it — the paper's <c>[0, 0.3] ± [0, 0.2]</c> leaves about half the images unmasked.
/// </summary>
/// <param name="Shape">[pred_shape] block (paper) or random.</param>
/// <param name="Ratios">[pred_ratio] fraction(s) of patches to mask.</param>
/// <param name="RatioVars">[pred_ratio_var] half-width(s) of the uniform range around each ratio; same length as Ratios, or one value for all.</param>
/// <param name="MinAspect">[pred_aspect_ratio] smallest block aspect ratio; blocks span MinAspect … 1/MinAspect. 0.3.</param>
/// <param name="StartEpoch">[pred_start_epoch] epochs before masking starts; 0.</param>
public sealed record MaskOptions(
    MaskShape Shape,
    IReadOnlyList<double> Ratios,
    IReadOnlyList<double> RatioVars,
    double MinAspect = 0.3,
    int StartEpoch = 0)
{
    /// <summary>The paper's setting: block masks, ratio 0.3 ± 0.2 for half the images, none for the other half.</summary>
    public static MaskOptions Paper => new(MaskShape.Block, [0.0, 0.3], [0.0, 0.2]);

    public void Validate()
    {
        if (Ratios.Count == 0) throw new ArgumentException("at least one prediction ratio is needed");
        if (RatioVars.Count != 1 && RatioVars.Count != Ratios.Count)
            throw new ArgumentException($"ratio_var has {RatioVars.Count} values; give one, or one per ratio ({Ratios.Count})");
        for (var i = 0; i < Ratios.Count; i++)
        {
            var r = Ratios[i];
            var v = RatioVars.Count == 1 ? RatioVars[0] : RatioVars[i];
            if (r is < 0 or > 1) throw new ArgumentException($"prediction ratio {r} is outside [0, 1]");
            if (v < 0 || v > r) throw new ArgumentException($"ratio_var {v} must be in [0, ratio {r}]");
            if (r + v > 1) throw new ArgumentException($"ratio {r} + var {v} exceeds 1");
        }
        if (MinAspect is <= 0 or > 1) throw new ArgumentException("min aspect ratio must be in (0, 1]");
        if (StartEpoch < 0) throw new ArgumentException("start epoch must be non-negative");
    }
}
