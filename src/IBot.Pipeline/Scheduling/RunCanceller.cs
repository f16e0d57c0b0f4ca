using IBot.Pipeline.Hosting;

namespace IBot.Pipeline.Scheduling;

/// <summary>
/// <c>ibot cancel</c> and the web UI's cancel button: a queued run is cancelled in the queue and never
/// starts (lineage records it cancelled, since no worker ever will); a running run is flagged in the queue
/// and finds the request in its folder (<see cref="RunFiles.RequestCancel"/>), so it checkpoints and stops
/// even when no service watches it, and records its own end.
/// </summary>
public sealed class RunCanceller(IRunQueue queue, Workspace workspace, QueueLineage? lineage)
{
    public CancelOutcome Cancel(string runId)
    {
        var outcome = queue.RequestCancel(runId);
        if (outcome == CancelOutcome.Stopping) RunFiles.RequestCancel(workspace.RunFolder(runId));
        if (outcome == CancelOutcome.Removed) lineage?.Status(runId, RunState.Cancelled, "cancelled while queued");
        return outcome;
    }
}
