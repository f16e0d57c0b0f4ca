using System.Diagnostics;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Runs;
using IBot.Pipeline.Vision.Runtime;
using IBot.Pipeline.Vision.Train;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Benchmarks;

/// <summary>Training-step throughput of one recipe on one device.</summary>
public sealed record TrainBenchmarkResult(string Recipe, string Device, int Threads, int BatchSize, int Steps, double SecondsPerStep, double ImagesPerSecond,
    string Precision, double MatmulGflops, double MatmulBf16Gflops);

/// <summary>
/// Speed of the full iBOT step (teacher and student forward, loss, backward, clipping, AdamW,
/// EMA) on random inputs of the recipe's shapes: what the loader has to keep up with.
/// </summary>
public static class TrainBenchmark
{
    public static TrainBenchmarkResult Run(Recipe recipe, Device device, int batchSize, int steps, int warmup = 3, Precision precision = Precision.Fp32)
    {
        var crops = recipe.Crops;
        using var session = new IBotSession(recipe.ToComponents(batchSize, precision), Recipe.MethodOptions(batchSize, precision), 0, device);
        var step = session.Step;
        session.Student.train();
        var (gridHeight, gridWidth) = session.MaskGrid;

        using var maskRatio = 0.3.ToScalar();
        double Time(int count)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                using var scope = NewDisposeScope();
                var batch = new TrainBatch(
                    Enumerable.Range(0, crops.Global.Count).Select(_ => randn(batchSize, 3, crops.Global.Size, crops.Global.Size, device: device)).ToArray(),
                    Enumerable.Range(0, crops.Local.Count).Select(_ => randn(batchSize, 3, crops.Local.Size, crops.Local.Size, device: device)).ToArray(),
                    Enumerable.Range(0, crops.Global.Count).Select(_ => rand(batchSize, gridHeight, gridWidth, device: device).lt(maskRatio)).ToArray());
                using var losses = step.Run(batch, new StepSchedule(1, 5e-4, 0.04, 0.996));
                _ = losses.Total.item<float>(); // synchronise so the time is the device's
            }
            return watch.Elapsed.TotalSeconds;
        }

        Time(warmup);
        var seconds = Time(steps);
        return new TrainBenchmarkResult(recipe.Name, device.ToString(), get_num_threads(), batchSize, steps, seconds / steps, batchSize * steps / seconds,
            precision.Name(), MatmulCeiling.Measure(device), MatmulCeiling.Measure(device, dtype: ScalarType.BFloat16));
    }
}
