namespace IBot.Pipeline.Scheduling;

/// <summary>What <see cref="IRunQueue.RequestCancel"/> did.</summary>
public enum CancelOutcome
{
    NotFound,
    /// <summary>It was queued: it is cancelled and will never start.</summary>
    Removed,
    /// <summary>It is running: the request is recorded and the run is asked to checkpoint and stop.</summary>
    Stopping,
    /// <summary>It had already finished.</summary>
    AlreadyFinished,
}
