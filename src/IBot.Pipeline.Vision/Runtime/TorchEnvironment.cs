using System.Reflection;
using IBot.Pipeline.Build;
using TorchSharp;

namespace IBot.Pipeline.Vision.Runtime;

/// <summary>State of the libstdc++ compatibility fix for TorchSharp's native bridge.</summary>
/// <param name="SystemLibStdCxx">Path of the system libstdc++, if found.</param>
/// <param name="SystemHasGlibcxx3432">Whether it provides GLIBCXX_3.4.32.</param>
/// <param name="Bridge">Path of the libLibTorchSharp.so next to the application, if any.</param>
/// <param name="BridgeState">What that library requires, or whether it was patched.</param>
public sealed record NativeFixReport(string? SystemLibStdCxx, bool SystemHasGlibcxx3432, string? Bridge, BridgeState? BridgeState)
{
    public bool InUse => BridgeState == Build.BridgeState.Patched;

    public string Describe() => (InUse, SystemHasGlibcxx3432) switch
    {
        (true, _) => $"in use: {Bridge} patched (system libstdc++ lacks {LibStdCxxCompat.MissingVersion})",
        (false, true) => $"not needed: system libstdc++ provides {LibStdCxxCompat.MissingVersion}",
        (false, false) when BridgeState == Build.BridgeState.Required =>
            $"MISSING: system libstdc++ lacks {LibStdCxxCompat.MissingVersion} and {Bridge} is unpatched; rebuild (see README Troubleshooting)",
        _ => "not applicable",
    };
}

/// <summary>Facts about the Torch runtime, for <c>ibot doctor</c> and run lineage.</summary>
public static class TorchEnvironment
{
    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>libtorch's version as TorchSharp reports it (loads the native library).</summary>
    public static string LibTorchVersion => torch.__version__;

    public static int Threads => torch.get_num_threads();

    public static int InteropThreads => torch.get_num_interop_threads();

    /// <summary>CUDA devices TorchSharp can use; 0 on a CPU build or a machine without GPUs.</summary>
    public static int CudaDeviceCount => torch.cuda.is_available() ? torch.cuda.device_count() : 0;

    /// <summary>Inspects the native bridge shipped next to the application.</summary>
    public static NativeFixReport InspectNativeFix(string? applicationDirectory = null)
    {
        applicationDirectory ??= AppContext.BaseDirectory;
        var system = OperatingSystem.IsLinux() ? LibStdCxxCompat.FindSystemLibStdCxx() : null;
        var systemOk = system == null || LibStdCxxCompat.ProvidesMissingVersion(system);
        var bridge = LoadedBridge() ?? (Directory.Exists(applicationDirectory)
            ? Directory.EnumerateFiles(applicationDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault()
            : null);
        var state = bridge == null ? (BridgeState?)null : LibStdCxxCompat.Inspect(bridge);
        return new NativeFixReport(system, systemOk, bridge, state);
    }

    /// <summary>The bridge this process actually mapped (Linux), so doctor never reports a
    /// different copy from the one in use.</summary>
    private static string? LoadedBridge()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return null;
        return File.ReadLines(maps)
            .Select(line => line.IndexOf('/') is var i and >= 0 ? line[i..] : null)
            .FirstOrDefault(path => path != null && path.EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal));
    }
}
