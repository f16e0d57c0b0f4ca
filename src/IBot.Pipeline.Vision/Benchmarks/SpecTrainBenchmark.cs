using System.Diagnostics;
using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Methods;
using IBot.Pipeline.Vision.Train;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Benchmarks;

/// <summary>Runs the first iterations of a spec's training (after untimed warm-up steps) with the loader
/// working ahead as in a run, timing data wait, forward, backward (with clipping), optimiser step
/// and teacher EMA. The phase timing synchronises the device, so the total is a little above a
/// real run's. The machine's matmul speed (<see cref="MatmulCeiling"/>) is measured before and
/// after the steps and reported as their mean, so that speeds from different sittings can be compared;
/// the bfloat16 matmul speed is measured after them, as the yardstick of a bf16 run.</summary>
public static class SpecTrainBenchmark
{
    public static SpecTrainBenchmarkResult Run(IBotMethod method, RunContext context, int steps, int warmup = 3)
    {
        var device = TorchDevices.Of(context.Device);
        using var session = new IBotSession(context.Components, method.Options, context.Seed, device);
        var matmulBefore = MatmulCeiling.Measure(device);
        var sync = device.type == TorchSharp.DeviceType.CUDA ? () => cuda.synchronize() : (Action)(() => { });
        var timings = new StepTimings(sync);
        var untimed = new StepTimings(sync);
        session.Student.train();
        var total = Stopwatch.StartNew();
        var images = 0;
        var wait = Stopwatch.StartNew();
        var iteration = 0;
        var stepImagesPerSecond = new List<double>();
        foreach (var host in session.Loader.Epoch(0))
        {
            var measuring = iteration >= warmup;
            var before = timings.Total;
            if (measuring) timings.DataWait += wait.Elapsed.TotalSeconds;
            else total.Restart();
            using (var scope = NewDisposeScope())
            {
                using var batch = host.ToTensors(device, session.Crops.GlobalCount);
                using var losses = session.Step.Run(batch, session.Schedule(0, iteration), measuring ? timings : untimed);
            }
            if (measuring)
            {
                images += host.Size;
                stepImagesPerSecond.Add(host.Size / (timings.Total - before));
            }
            iteration++;
            if (iteration >= warmup + steps) break;
            wait.Restart();
        }
        if (timings.Steps == 0)
            throw new InvalidOperationException($"one epoch has {iteration} batches, fewer than the {warmup} warm-up steps");
        var seconds = timings.Total;
        var matmul = (matmulBefore + MatmulCeiling.Measure(device)) / 2;
        var matmulBf16 = MatmulCeiling.Measure(device, dtype: ScalarType.BFloat16);
        return new SpecTrainBenchmarkResult(context.Name, device.ToString(), get_num_threads(), method.Options.BatchSize, timings.Steps,
            images / seconds, Median(stepImagesPerSecond), timings.DataWait, timings.Forward, timings.Backward, timings.OptimizerStep, timings.Ema,
            matmul, method.Options.Precision.Name(), matmulBf16);
    }

    /// <summary>The median step's speed: steady throughput, robust to a step slowed by something else on the machine.</summary>
    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
