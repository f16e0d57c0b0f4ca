namespace IBot.Pipeline.Abstractions.Runs;

/// <summary>A method that can time its first training steps on a spec's real data (<c>ibot bench train --spec</c>).</summary>
public interface ITrainingBenchmark
{
    /// <summary>Runs <paramref name="warmup"/> untimed steps, then times <paramref name="steps"/> steps.</summary>
    SpecTrainBenchmarkResult Benchmark(RunContext context, int steps, int warmup);
}

/// <summary>End-to-end training speed of a spec, real data included, and where the time goes (seconds
/// summed over the timed steps), beside the machine's fp32 matmul speed measured before and after.</summary>
public sealed record SpecTrainBenchmarkResult(string Spec, string Device, int Threads, int BatchSize, int Steps,
    double ImagesPerSecond, double MedianStepImagesPerSecond, double DataWaitSeconds, double ForwardSeconds, double BackwardSeconds, double OptimizerSeconds, double EmaSeconds,
    double MatmulGflops, string Precision = "fp32", double MatmulBf16Gflops = 0);
