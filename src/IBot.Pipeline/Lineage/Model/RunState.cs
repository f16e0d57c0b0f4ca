namespace IBot.Pipeline.Lineage.Model;

/// <summary>Where a run is in its life. Queued and interrupted are written by the hosted service
/// (a queued run waits for a device; an interrupted one lost its process and will resume).</summary>
public enum RunState
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
    Interrupted,
}
