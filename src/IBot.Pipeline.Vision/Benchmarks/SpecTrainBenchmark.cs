using System.Diagnostics;
using IBot.Pipeline.Vision.Runs;
using IBot.Pipeline.Vision.Train;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Benchmarks;

/// <summary>End-to-end training speed of a spec, real data included, and where the time goes.</summary>
public sealed record SpecTrainBenchmarkResult(string Spec, string Device, int Threads, int BatchSize, int Steps,
    double ImagesPerSecond, double DataWaitSeconds, double ForwardSeconds, double BackwardSeconds, double OptimizerSeconds, double EmaSeconds);

/// <summary>Runs the first iterations of a spec's training (after one warm-up step) with the loader
/// working ahead as in a run, timing data wait, forward, backward (with clipping), optimiser step
/// and teacher EMA. The phase timing synchronises the device, so the total is a little above a
/// real run's.</summary>
public static class SpecTrainBenchmark
{
    public static SpecTrainBenchmarkResult Run(TrainingPlan plan, int steps)
    {
        using var session = new TrainingSession(plan);
        var sync = plan.Device.type == TorchSharp.DeviceType.CUDA ? () => cuda.synchronize() : (Action)(() => { });
        var timings = new StepTimings(sync);
        var warmup = new StepTimings(sync);
        session.Student.train();
        var total = Stopwatch.StartNew();
        var images = 0;
        var wait = Stopwatch.StartNew();
        var iteration = 0;
        foreach (var host in session.Loader.Epoch(0))
        {
            var measuring = iteration > 0;
            if (measuring) timings.DataWait += wait.Elapsed.TotalSeconds;
            else total.Restart();
            using (var scope = NewDisposeScope())
            {
                using var batch = host.ToTensors(plan.Device, plan.Crops.Global.Count);
                using var parts = session.Step.Run(batch, session.Schedule(0, iteration), measuring ? timings : warmup);
            }
            if (measuring) images += host.Size;
            iteration++;
            if (iteration > steps) break;
            wait.Restart();
        }
        var seconds = timings.Total;
        return new SpecTrainBenchmarkResult(plan.Name, plan.Device.ToString(), get_num_threads(), plan.Settings.BatchSize, timings.Steps,
            images / seconds, timings.DataWait, timings.Forward, timings.Backward, timings.OptimizerStep, timings.Ema);
    }
}
