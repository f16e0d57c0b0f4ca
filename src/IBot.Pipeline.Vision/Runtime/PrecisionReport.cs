using System.Globalization;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Benchmarks;

namespace IBot.Pipeline.Vision.Runtime;

/// <summary><c>ibot doctor</c>'s lines on precisions: which the CPU has units for, and a brief
/// measurement of each precision's matmul speed on a device (a 512³ product, three 50 ms bursts
/// per type), the evidence that decides whether bf16 or fp16 pays off there.</summary>
public static class PrecisionReport
{
    public static string CpuUnits() => string.Join("; ", Enum.GetValues<Precision>().Select(p =>
    {
        var (fast, units) = PrecisionSupport.Cpu(p);
        return $"{p.Name()} {(fast ? "fast" : "slow")} ({units})";
    }));

    public static string Measured(DeviceSpec device)
    {
        var torchDevice = TorchDevices.Of(device);
        var rates = Enum.GetValues<Precision>().Select(p => (p, Gflops: MatmulCeiling.Measure(torchDevice, size: 512, bursts: 3, burstSeconds: 0.05,
            dtype: p.LowType() ?? TorchSharp.torch.ScalarType.Float32))).ToArray();
        var fp32 = rates[0].Gflops;
        return string.Join(", ", rates.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{r.p.Name()} {r.Gflops:F0} GFLOP/s{(r.p == Precision.Fp32 ? "" : $" ({r.Gflops / fp32:F1}×)")}")));
    }
}
