using System.Diagnostics;

namespace IBot.Pipeline.Hosting;

/// <summary>A run as a child process of the service.</summary>
public sealed class ChildRunProcess(Process process, long startTime) : IRunProcess
{
    public int Pid { get; } = process.Id;

    public long StartTime { get; } = startTime;

    public bool HasExited => process.HasExited;

    public void RequestStop()
    {
        if (!process.HasExited) ProcessIdentity.Terminate(Pid);
    }

    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
