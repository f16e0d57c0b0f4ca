namespace IBot.Pipeline.Vision.Tests.Fuzz;

/// <summary>The peak resident memory an action adds, from Linux's VmHWM after resetting it
/// (<c>/proc/self/clear_refs</c>): ImageSharp takes large buffers from unmanaged memory, which
/// the GC's allocation counters never see. Null where the peak cannot be reset.</summary>
public static class ImagesPeakMemory
{
    public static long? MegabytesAdded(Action action)
    {
        long? before = null;
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            before = Read("VmHWM:");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        action();
        return before is { } b && Read("VmHWM:") is { } after ? (after - b) / 1024 : null;
    }

    private static long? Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line.AsSpan(field.Length).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }
}
