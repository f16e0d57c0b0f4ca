namespace IBot.Pipeline.Hosting;

/// <summary>A run being executed somewhere the service can watch and signal: normally a child process.</summary>
public interface IRunProcess
{
    int Pid { get; }

    /// <summary>The process's start time as the OS reports it, so a recycled pid is never mistaken for the run.</summary>
    long StartTime { get; }

    bool HasExited { get; }

    /// <summary>Asks the run to checkpoint and stop (SIGTERM for a process).</summary>
    void RequestStop();

    /// <summary>Ends it now (SIGKILL): for a run that stopped answering.</summary>
    void Kill();
}
