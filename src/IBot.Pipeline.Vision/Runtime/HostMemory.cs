using System.Runtime.InteropServices;

namespace IBot.Pipeline.Vision.Runtime;

/// <summary>
/// Tunes glibc's allocator for a training process. libtorch allocates every CPU tensor with
/// malloc; by default glibc serves blocks of 32 MB and more (e.g. the teacher head's
/// 8,320 × 1,024 activations at the reference setting) with a fresh <c>mmap</c>, and trims
/// freed heap memory back to the kernel, so every step faults in and zeroes the same pages
/// again: measured here, that made an elementwise multiply of 8.5 M floats 4–6 × slower
/// (23 ms against 4 ms) and cost about a quarter of a training step. With these settings freed
/// memory stays in the process and is reused by the next step; the price is that the
/// process keeps its peak memory until it exits, as PyTorch's caching allocators do on GPUs.
/// Set <c>IBOT_MALLOC_TUNING=off</c> to keep glibc's defaults.
/// </summary>
public static class HostMemory
{
    private const int MTrimThreshold = -1;
    private const int MTopPad = -2;
    private const int MMmapThreshold = -3;
    private static readonly Lock Gate = new();
    private static string? state;

    /// <summary>What <see cref="Tune"/> did: "tuned (…)", "off (IBOT_MALLOC_TUNING)", "not applicable (…)".</summary>
    public static string State => state ?? "not tuned";

    /// <summary>Applies the settings once per process; later calls return the first outcome.</summary>
    public static string Tune()
    {
        lock (Gate)
        {
            return state ??= Apply();
        }
    }

    private static string Apply()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("IBOT_MALLOC_TUNING"), "off", StringComparison.OrdinalIgnoreCase))
            return "off (IBOT_MALLOC_TUNING=off)";
        if (!OperatingSystem.IsLinux()) return "not applicable (not Linux)";
        try
        {
            // Blocks up to 1 GiB come from the heap; the heap is never trimmed; it grows 64 MiB at a time.
            var ok = mallopt(MMmapThreshold, 1 << 30) == 1
                & mallopt(MTrimThreshold, int.MaxValue) == 1
                & mallopt(MTopPad, 64 << 20) == 1;
            return ok ? "tuned (mmap threshold 1 GiB, no trimming)" : "partly applied (glibc refused a setting)";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "not applicable (no glibc mallopt)";
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
