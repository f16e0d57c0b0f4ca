using System.Diagnostics;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Benchmarks;

/// <summary>
/// The machine's dense fp32 matmul speed, as a yardstick for training speeds taken on different
/// days or machines: a 1024 × 1024 × 1024 product with the process's libtorch threads, median
/// GFLOP/s over short repeated bursts. A training bench's images/s means little without it
/// (the same 2-core cloud machine has measured anywhere from about 100 to 170 on this probe).
/// </summary>
public static class MatmulCeiling
{
    /// <summary>Median GFLOP/s of size³ products on <paramref name="device"/> over <paramref name="bursts"/>
    /// bursts of <paramref name="burstSeconds"/> each, in <paramref name="dtype"/> (float32 by default;
    /// bfloat16 or float16 for the speed of mixed precision's products).</summary>
    public static double Measure(Device device, int size = 1024, int bursts = 9, double burstSeconds = 0.1, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bursts, 1);
        using var scope = NewDisposeScope();
        var a = randn(size, size, device: device).to(dtype);
        var b = randn(size, size, device: device).to(dtype);
        var sync = device.type == TorchSharp.DeviceType.CUDA ? () => cuda.synchronize() : (Action)(() => { });
        for (var i = 0; i < 3; i++) a.mm(b).Dispose();
        sync();
        var flop = 2.0 * size * size * size;
        var rates = new double[bursts];
        for (var r = 0; r < bursts; r++)
        {
            var watch = Stopwatch.StartNew();
            var count = 0;
            do
            {
                a.mm(b).Dispose();
                count++;
                if (count % 8 == 0) sync();
            } while (watch.Elapsed.TotalSeconds < burstSeconds);
            sync();
            rates[r] = flop * count / watch.Elapsed.TotalSeconds / 1e9;
        }
        Array.Sort(rates);
        return rates[bursts / 2];
    }
}
