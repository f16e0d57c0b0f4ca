namespace IBot.Pipeline.Scheduling;

/// <summary>Where a queued run is in its life. Queued and Running are live; the others are final,
/// except that an interrupted run is requeued while it has retries left.</summary>
public enum RunState
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}
