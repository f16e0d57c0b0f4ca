using IBot.Pipeline.Vision.Train;

namespace IBot.Pipeline.Vision.Tests.Parity;

[Trait("Category", "Parity")]
public sealed class ScheduleParityTests
{
    [Fact]
    public void Learning_rate_weight_decay_and_momentum_match_per_iteration()
    {
        var golden = Golden.Json("schedules.json");
        var c = golden.GetProperty("config");
        var epochs = c.Int("epochs");
        var iters = c.Int("iters_per_epoch");

        var lr = Schedules.LearningRate(c.Double("base_lr"), c.Int("batch_size"), c.Double("min_lr"), epochs, iters, c.Int("warmup_epochs"));
        var wd = Schedules.Cosine(c.Double("weight_decay"), c.Double("weight_decay_end"), epochs, iters);
        var momentum = Schedules.TeacherMomentum(c.Double("momentum_teacher"), epochs, iters);

        AssertPerValue(lr, golden.GetProperty("lr"), "lr");
        AssertPerValue(wd, golden.GetProperty("weight_decay"), "weight_decay");
        AssertPerValue(momentum, golden.GetProperty("momentum"), "momentum");
    }

    private static void AssertPerValue(double[] ours, System.Text.Json.JsonElement reference, string what)
    {
        var expected = reference.EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(expected.Length, ours.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(ours[i] - expected[i]) <= 1e-9, $"{what}[{i}]: {ours[i]:R} vs {expected[i]:R}");
    }
}
