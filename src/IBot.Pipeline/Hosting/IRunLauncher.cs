using IBot.Pipeline.Scheduling;

namespace IBot.Pipeline.Hosting;

/// <summary>Starts runs on a device lease. The service's only way to execute work, so tests can
/// swap child processes for an in-process runner.</summary>
public interface IRunLauncher
{
    /// <summary>Starts <paramref name="run"/> (resuming from its checkpoint when its folder has one);
    /// <paramref name="exited"/> is called once when it ends.</summary>
    IRunProcess Launch(QueuedRun run, DeviceLease lease, Action exited);

    /// <summary>A run whose process outlived a previous service (it is still alive with the
    /// recorded pid and start time), or null when it is gone.</summary>
    IRunProcess? Adopt(QueuedRun run);
}
