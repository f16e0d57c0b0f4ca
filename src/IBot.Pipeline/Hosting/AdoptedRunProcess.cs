namespace IBot.Pipeline.Hosting;

/// <summary>A run process started by an earlier service instance: not our child, so it is watched
/// through its pid and start time instead of an exit event.</summary>
public sealed class AdoptedRunProcess(int pid, long startTime) : IRunProcess
{
    public int Pid { get; } = pid;

    public long StartTime { get; } = startTime;

    public bool HasExited => !ProcessIdentity.IsAlive(Pid, StartTime);

    public void RequestStop()
    {
        if (!HasExited) ProcessIdentity.Terminate(Pid);
    }

    public void Kill()
    {
        if (HasExited) return;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(Pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }
}
