namespace IBot.Pipeline.Scheduling;

/// <summary>
/// A run in the queue: what to run (its folder already holds the resolved <c>spec.yaml</c>),
/// its order (priority, then submission sequence), and where and in which process it runs.
/// The process id and its start time identify the child across a service restart, so a run
/// still alive is adopted instead of launched twice.
/// </summary>
public sealed class QueuedRun
{
    /// <summary>The run id, which is also its folder name in the workspace.</summary>
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? SweepId { get; set; }
    public string SpecHash { get; set; } = "";
    /// <summary>Higher runs first.</summary>
    public int Priority { get; set; }
    /// <summary>Submission order, for FIFO among equal priorities.</summary>
    public long Sequence { get; set; }
    /// <summary>Set only while queued: sorts by priority then sequence, so claiming is one index seek.</summary>
    public string? ClaimKey { get; set; }
    public RunState State { get; set; }
    /// <summary>How many times the run was started; bounded by the service's retry limit.</summary>
    public int Attempts { get; set; }
    public bool CancelRequested { get; set; }
    public string? Device { get; set; }
    /// <summary>The <c>ibot serve</c> node that claimed it (<c>--node</c>); null on one machine's queue.</summary>
    public string? Node { get; set; }
    public int? Slot { get; set; }
    public int? Pid { get; set; }
    public long? ProcessStart { get; set; }
    public DateTime EnqueuedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    /// <summary>When the run process last beat, by the database's clock (a shared store only).</summary>
    public DateTime? HeartbeatAt { get; set; }
    public string? Reason { get; set; }
    /// <summary>Every state change with its time and reason, oldest first.</summary>
    public List<string> History { get; set; } = [];

    public static string ClaimKeyOf(int priority, long sequence) =>
        $"{1_000_000_000L - Math.Clamp(priority, -999_999_999, 999_999_999):D10}{sequence:D15}";

    public void Transition(RunState state, string? reason, DateTime now)
    {
        State = state;
        Reason = reason;
        ClaimKey = state == RunState.Queued ? ClaimKeyOf(Priority, Sequence) : null;
        History.Add($"{now:O} {state.ToString().ToLowerInvariant()}{(reason is null ? "" : ": " + reason)}");
    }
}
