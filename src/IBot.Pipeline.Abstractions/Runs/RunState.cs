namespace IBot.Pipeline.Abstractions.Runs;

/// <summary>
/// Where a run is in its life, the one state type of the queue, the lineage record and a run's
/// outcome. Queued and Running are live; Completed, Failed and Cancelled are final; an
/// Interrupted run lost its process (the service requeues it while it has attempts left).
/// </summary>
public enum RunState
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
    Interrupted,
}
