using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// Dynamic loss scaling for fp16 training, with the semantics of PyTorch's
/// <c>torch.cuda.amp.GradScaler</c> at its defaults (the reference's <c>--use_fp16</c>): the loss is
/// multiplied by the scale before the backward pass, so that small gradients survive float16's
/// range; the summed gradients are multiplied by the float32 reciprocal of the scale before
/// clipping; a step whose gradients hold an inf or a NaN is skipped, and the scale is halved;
/// after every <see cref="GrowthInterval"/> consecutive good steps it doubles. The scale is kept
/// as a float32, as the reference keeps it in a float32 tensor.
/// </summary>
public sealed class LossScaler
{
    public const float DefaultInitialScale = 65536f;

    public LossScaler(float initialScale = DefaultInitialScale, float growthFactor = 2f, float backoffFactor = 0.5f, int growthInterval = 2000)
    {
        if (!(initialScale > 0) || float.IsInfinity(initialScale)) throw new ArgumentOutOfRangeException(nameof(initialScale), initialScale, "must be positive and finite");
        if (!(growthFactor > 1)) throw new ArgumentOutOfRangeException(nameof(growthFactor), growthFactor, "must exceed 1");
        if (!(backoffFactor > 0 && backoffFactor < 1)) throw new ArgumentOutOfRangeException(nameof(backoffFactor), backoffFactor, "must lie in (0, 1)");
        ArgumentOutOfRangeException.ThrowIfLessThan(growthInterval, 1);
        Scale = initialScale;
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = growthInterval;
    }

    /// <summary>The current scale.</summary>
    public float Scale { get; private set; }

    /// <summary>Consecutive steps without an inf or NaN since the scale last changed.</summary>
    public int GrowthTracker { get; private set; }

    public float GrowthFactor { get; }

    public float BackoffFactor { get; }

    public int GrowthInterval { get; }

    /// <summary>Steps skipped since this scaler was made (not saved: a count for reports).</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Multiplies every gradient by the reciprocal of the scale, in place, and returns whether
    /// any of them holds an inf or a NaN (then the step must be skipped).</summary>
    public bool Unscale(IEnumerable<Tensor?> gradients)
    {
        // GradScaler: inv_scale = scale.double().reciprocal().float().
        using var inverse = ((double)(float)(1.0 / Scale)).ToScalar();
        using var scope = NewDisposeScope();
        // One flag over every gradient, read back once: one device synchronisation per step, not one per parameter.
        Tensor? found = null;
        foreach (var g in gradients)
        {
            if (g is null || g.IsInvalid) continue;
            g.mul_(inverse);
            var bad = g.isfinite().logical_not().any();
            found = found is null ? bad : found.logical_or_(bad);
        }
        return found is not null && found.item<bool>();
    }

    /// <summary>Advances the schedule after a step: backs off (and counts a skipped step) when
    /// <paramref name="foundNonFinite"/>, else grows the scale after <see cref="GrowthInterval"/> good steps.</summary>
    public void Update(bool foundNonFinite)
    {
        if (foundNonFinite)
        {
            Scale *= BackoffFactor;
            GrowthTracker = 0;
            SkippedSteps++;
            return;
        }
        var successful = GrowthTracker + 1;
        if (successful == GrowthInterval)
        {
            var grown = Scale * GrowthFactor;
            if (float.IsFinite(grown)) Scale = grown;
            GrowthTracker = 0;
        }
        else GrowthTracker = successful;
    }

    /// <summary>Restores a saved state (a checkpoint's).</summary>
    public void Restore(float scale, int growthTracker)
    {
        if (!(scale > 0) || float.IsInfinity(scale)) throw new InvalidDataException($"loss scale {scale} is not a positive finite number");
        if (growthTracker < 0 || growthTracker >= GrowthInterval) throw new InvalidDataException($"loss-scale growth tracker {growthTracker} is outside [0, {GrowthInterval})");
        Scale = scale;
        GrowthTracker = growthTracker;
    }
}
