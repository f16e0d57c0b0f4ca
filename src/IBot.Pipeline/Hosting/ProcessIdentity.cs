using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace IBot.Pipeline.Hosting;

/// <summary>
/// Process identity and signals on Linux: a pid plus its start time (field 22 of
/// <c>/proc/PID/stat</c>) names one process for good, where a pid alone may be reused after a
/// crash. SIGTERM goes through libc's <c>kill</c>, since .NET can only send SIGKILL.
/// </summary>
public static partial class ProcessIdentity
{
    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>The start time of a live process, or null when there is none (or it is a zombie).</summary>
    public static long? StartTime(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                return p.HasExited ? null : p.StartTime.ToUniversalTime().Ticks;
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name may hold spaces and parentheses: fields are counted after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        if (fields[0] is "Z" or "X") return null;
        return long.Parse(fields[19], CultureInfo.InvariantCulture);
    }

    public static bool IsAlive(int pid, long startTime) => StartTime(pid) == startTime;

    public static void Terminate(int pid)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("graceful stop needs POSIX signals");
        SysKill(pid, SigTerm);
    }
}
