namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// Per-iteration and per-epoch schedules computed exactly as the reference does with numpy
/// (<c>linspace</c>, cosine), in double precision.
/// </summary>
public static class Schedules
{
    /// <summary>
    /// Linear warm-up from <paramref name="startWarmupValue"/> to <paramref name="baseValue"/> over
    /// <paramref name="warmupEpochs"/>, then a half cosine down to <paramref name="finalValue"/>;
    /// one value per iteration (the reference's <c>cosine_scheduler</c>).
    /// </summary>
    public static double[] Cosine(double baseValue, double finalValue, int epochs, int iterationsPerEpoch,
        int warmupEpochs = 0, double startWarmupValue = 0.0)
    {
        if (epochs <= 0 || iterationsPerEpoch <= 0) throw new ArgumentException("epochs and iterations per epoch must be positive");
        var warmupIters = warmupEpochs * iterationsPerEpoch;
        var total = epochs * iterationsPerEpoch;
        if (warmupIters > total) throw new ArgumentException($"warm-up ({warmupEpochs} epochs) is longer than training ({epochs} epochs)");
        var schedule = new double[total];
        var warmup = warmupEpochs > 0 ? Linspace(startWarmupValue, baseValue, warmupIters) : [];
        warmup.CopyTo(schedule, 0);
        var n = total - warmupIters;
        for (var i = 0; i < n; i++)
            schedule[warmupIters + i] = finalValue + 0.5 * (baseValue - finalValue) * (1 + Math.Cos(Math.PI * i / n));
        return schedule;
    }

    /// <summary>The learning rate schedule with the linear scaling rule: base · batch / 256.</summary>
    public static double[] LearningRate(double baseLr, int totalBatchSize, double minLr, int epochs, int iterationsPerEpoch, int warmupEpochs) =>
        Cosine(baseLr * totalBatchSize / 256.0, minLr, epochs, iterationsPerEpoch, warmupEpochs);

    /// <summary>Teacher momentum: cosine from <paramref name="start"/> to 1.</summary>
    public static double[] TeacherMomentum(double start, int epochs, int iterationsPerEpoch) =>
        Cosine(start, 1.0, epochs, iterationsPerEpoch);

    /// <summary>
    /// Teacher temperature per epoch: linear from <paramref name="warmup"/> to <paramref name="final"/>
    /// over <paramref name="warmupEpochs"/>, then constant. With <paramref name="startEpoch"/> &gt; 0 (the
    /// patch temperature when masked modelling starts late) it holds the warm-up value until then.
    /// </summary>
    public static double[] TeacherTemperature(double warmup, double final, int warmupEpochs, int epochs, int startEpoch = 0)
    {
        if (warmupEpochs + startEpoch > epochs)
            throw new ArgumentException($"temperature warm-up ({warmupEpochs} epochs from epoch {startEpoch}) does not fit in {epochs} epochs");
        var schedule = new double[epochs];
        for (var i = 0; i < startEpoch; i++) schedule[i] = warmup;
        Linspace(warmup, final, warmupEpochs).CopyTo(schedule, startEpoch);
        for (var i = startEpoch + warmupEpochs; i < epochs; i++) schedule[i] = final;
        return schedule;
    }

    /// <summary>numpy.linspace(start, stop, num) with its endpoint handling: step · i + start, last = stop.</summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        if (num <= 0) return [];
        var result = new double[num];
        if (num == 1) { result[0] = start; return result; }
        var step = (stop - start) / (num - 1);
        for (var i = 0; i < num; i++) result[i] = i * step + start;
        result[num - 1] = stop;
        return result;
    }
}
