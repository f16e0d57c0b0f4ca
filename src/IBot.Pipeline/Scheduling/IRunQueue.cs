namespace IBot.Pipeline.Scheduling;

/// <summary>
/// The durable queue of runs. Every operation is atomic across processes (<c>ibot submit</c>,
/// <c>ibot cancel</c> and <c>ibot serve</c> use it at the same time), and a run is claimed by
/// at most one dispatcher. Behind this interface so that a clustered store (Quartz's ADO job
/// store on PostgreSQL, or a table with row locks) can carry it across machines.
/// </summary>
public interface IRunQueue
{
    /// <summary>Throws the store's exception when the queue cannot be used at all (damaged, not a queue);
    /// reads only, so a refused queue is left as it was. A submission calls it before any work.</summary>
    void Verify();

    /// <summary>Adds runs in order (their sequence numbers follow submission order), all or none.</summary>
    void Enqueue(IReadOnlyList<QueuedRun> runs);

    /// <summary>The highest-priority, oldest queued run, now marked running on <paramref name="device"/>; null when none.</summary>
    QueuedRun? ClaimNext(string device, int slot);

    /// <summary>Records the child process running a claimed run.</summary>
    void AttachProcess(string runId, int pid, long processStart);

    /// <summary>Moves a running run to a final state (completed, failed or cancelled).</summary>
    void Finish(string runId, RunState state, string? reason);

    /// <summary>A running run stopped without finishing: queued again (to resume from its checkpoint)
    /// while its attempts are within <paramref name="maxAttempts"/>, else failed. When
    /// <paramref name="countAttempt"/> is false (a clean service shutdown) the attempt is given back.</summary>
    RunState Interrupt(string runId, string reason, int maxAttempts, bool countAttempt = true);

    /// <summary>Cancels a queued run, or flags a running one to be stopped.</summary>
    CancelOutcome RequestCancel(string runId);

    /// <summary>Gives a queued run a new priority (its place among the queued runs changes at once); false
    /// when the run is not queued (unknown, running or finished), which changes nothing.</summary>
    bool SetPriority(string runId, int priority);

    QueuedRun? Get(string runId);

    /// <summary>Runs in the given states (all when none), by submission order.</summary>
    IReadOnlyList<QueuedRun> List(params RunState[] states);
}
