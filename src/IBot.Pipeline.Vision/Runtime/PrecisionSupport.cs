using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Vision.Abstractions.Runtime;

namespace IBot.Pipeline.Vision.Runtime;

/// <summary>
/// Which precisions this machine's CPU computes fast, from the instruction sets it reports: bf16
/// needs AVX-512 BF16 (<c>avx512_bf16</c>: Zen 4 and later, Cooper Lake, Sapphire Rapids) or AMX
/// (<c>amx_bf16</c>: Sapphire Rapids and later), which libtorch's oneDNN kernels use; without them
/// libtorch converts bf16 to float32 and back around every product, slower than fp32. fp16 is not
/// fast on any CPU through libtorch 2.10 (its CPU half-precision products ran at 2-3 GFLOP/s on
/// the development machine, against 150 in fp32). GPUs compute both fast (bf16 from compute
/// capability 8.0, Ampere); a run on a GPU gets no warning.
/// </summary>
public static class PrecisionSupport
{
    private static readonly Lazy<IReadOnlySet<string>> CpuFlags = new(ReadCpuFlags);

    /// <summary>The CPU's instruction-set flags (from /proc/cpuinfo; empty where that is unavailable).</summary>
    public static IReadOnlySet<string> Flags => CpuFlags.Value;

    /// <summary>Whether the CPU has units for <paramref name="precision"/>'s products, and which ones.</summary>
    public static (bool Fast, string Units) Cpu(Precision precision, IReadOnlySet<string>? flags = null)
    {
        flags ??= Flags;
        switch (precision)
        {
            case Precision.Fp32:
                return (true, flags.Contains("avx512f") ? "AVX-512" : flags.Contains("avx2") ? "AVX2" : "vector units");
            case Precision.Bf16:
                var units = new[] { ("amx_bf16", "AMX"), ("avx512_bf16", "AVX-512 BF16") }.Where(u => flags.Contains(u.Item1)).Select(u => u.Item2).ToArray();
                return units.Length > 0 ? (true, string.Join(" and ", units)) : (false, "no AVX-512 BF16 or AMX");
            default:
                return (false, "libtorch has no fast float16 products on CPUs");
        }
    }

    /// <summary>One line when <paramref name="precision"/> will train or evaluate slower than fp32 on
    /// <paramref name="device"/>, else null.</summary>
    public static string? SlowerThanFp32(Precision precision, DeviceSpec device, IReadOnlySet<string>? flags = null)
    {
        if (precision == Precision.Fp32 || device.Kind != DeviceKind.Cpu) return null;
        var (fast, units) = Cpu(precision, flags);
        return fast ? null : $"{precision.Name()} on this CPU ({units}) will be slower than fp32; it runs, for its numerics only";
    }

    /// <summary>The advice of an option <c>precision</c> (<see cref="IAdvisedOptions"/>).</summary>
    public static IEnumerable<OptionError> Advise(Precision precision, DeviceSpec device) =>
        SlowerThanFp32(precision, device) is { } line ? [new OptionError("precision", line)] : [];

    private static IReadOnlySet<string> ReadCpuFlags()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("flags", StringComparison.Ordinal) && line.IndexOf(':') is var colon and > 0)
                    return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return new HashSet<string>();
    }
}
