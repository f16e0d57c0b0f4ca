using IBot.Pipeline.Vision.Train;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Train;

/// <summary>
/// fp16's loss scaler against the semantics of PyTorch's <c>GradScaler</c> with its defaults
/// (init_scale 2¹⁶, growth_factor 2, backoff_factor 0.5, growth_interval 2000), as its
/// documentation and <c>_amp_update_scale_</c> define them: a step with an inf or NaN gradient
/// is skipped and halves the scale, resetting the count of good steps; the 2000th consecutive good
/// step doubles it; gradients are multiplied by the float32 reciprocal of the scale.
/// </summary>
public sealed class LossScalerTests
{
    [Fact]
    public void Defaults_are_GradScalers()
    {
        var s = new LossScaler();
        Assert.Equal((65536f, 2f, 0.5f, 2000, 0), (s.Scale, s.GrowthFactor, s.BackoffFactor, s.GrowthInterval, s.GrowthTracker));
    }

    [Fact]
    public void The_scale_doubles_on_the_2000th_consecutive_good_step_and_not_before()
    {
        var s = new LossScaler();
        for (var i = 0; i < 1999; i++) s.Update(foundNonFinite: false);
        Assert.Equal((65536f, 1999), (s.Scale, s.GrowthTracker));
        s.Update(false);
        Assert.Equal((131072f, 0), (s.Scale, s.GrowthTracker));
        for (var i = 0; i < 2000; i++) s.Update(false);
        Assert.Equal(262144f, s.Scale);
    }

    [Fact]
    public void An_overflow_halves_the_scale_counts_a_skipped_step_and_restarts_the_count()
    {
        var s = new LossScaler();
        for (var i = 0; i < 1500; i++) s.Update(false);
        s.Update(foundNonFinite: true);
        Assert.Equal((32768f, 0, 1L), (s.Scale, s.GrowthTracker, s.SkippedSteps));
        // 1,999 good steps after the overflow are not enough: the 1,500 before it do not count.
        for (var i = 0; i < 1999; i++) s.Update(false);
        Assert.Equal(32768f, s.Scale);
        s.Update(false);
        Assert.Equal(65536f, s.Scale);
        // Consecutive overflows back off each time.
        s.Update(true);
        s.Update(true);
        Assert.Equal((16384f, 3L), (s.Scale, s.SkippedSteps));
    }

    [Fact]
    public void Growth_that_would_overflow_float32_keeps_the_scale()
    {
        var s = new LossScaler(initialScale: float.MaxValue / 1.5f, growthInterval: 1);
        var before = s.Scale;
        s.Update(false);
        Assert.Equal((before, 0), (s.Scale, s.GrowthTracker));
    }

    [Fact]
    public void Unscale_divides_by_the_scale_and_reports_inf_and_nan()
    {
        var s = new LossScaler(initialScale: 1024f);
        using var a = tensor(new float[] { 1024f, -2048f, 512f });
        using var b = tensor(new float[] { 3f });
        Assert.False(s.Unscale([a, null, b]));
        Assert.Equal(new float[] { 1f, -2f, 0.5f }, a.data<float>().ToArray());
        Assert.Equal(3f / 1024f, b.item<float>());

        using var inf = tensor(new float[] { 1f, float.PositiveInfinity });
        using var nan = tensor(new float[] { float.NaN });
        using var fine = tensor(new float[] { 2f });
        Assert.True(s.Unscale([fine, inf]));
        Assert.True(s.Unscale([nan]));
    }

    [Fact]
    public void A_restored_state_continues_the_schedule()
    {
        var s = new LossScaler();
        s.Restore(8192f, 1999);
        s.Update(false);
        Assert.Equal((16384f, 0), (s.Scale, s.GrowthTracker));
        Assert.Throws<InvalidDataException>(() => s.Restore(float.NaN, 0));
        Assert.Throws<InvalidDataException>(() => s.Restore(1f, 2000));
    }
}
