namespace IBot.Pipeline.Scheduling;

/// <summary>
/// The queue's state machine, one rule per transition, shared by every store so that a run moves the
/// same way on one machine's LiteDB file and on PostgreSQL: queued → running → completed | failed |
/// cancelled, a stopped run back to queued (bounded attempts), a cancel request honoured in either state.
/// Each store applies a rule to the run it read inside its transaction and writes the run back.
/// </summary>
public static class QueueTransitions
{
    /// <summary>A claimed run: one more attempt, on this device and slot of this node.</summary>
    public static void Claim(QueuedRun run, string device, int slot, string? node, DateTime now)
    {
        run.Attempts++;
        run.Device = device;
        run.Slot = slot;
        run.Node = node;
        run.Pid = null;
        run.ProcessStart = null;
        run.StartedAt = now;
        run.HeartbeatAt = now;
        run.Transition(RunState.Running, $"attempt {run.Attempts} on {(node is null ? "" : node + " ")}{device}", now);
    }

    public static void Finish(QueuedRun run, RunState state, string? reason, DateTime now)
    {
        if (state is RunState.Queued or RunState.Running) throw new ArgumentException($"{state} is not a final state", nameof(state));
        run.EndedAt = now;
        run.Transition(state, reason, now);
    }

    /// <summary>A running run that stopped without finishing; returns where it went (its state unchanged when it was not running).</summary>
    public static RunState Interrupt(QueuedRun run, string reason, int maxAttempts, bool countAttempt, DateTime now)
    {
        if (run.State != RunState.Running) return run.State;
        if (!countAttempt) run.Attempts--;
        run.Pid = null;
        run.ProcessStart = null;
        if (run.CancelRequested)
        {
            run.EndedAt = now;
            run.Transition(RunState.Cancelled, "cancel requested; " + reason, now);
        }
        else if (run.Attempts < maxAttempts) run.Transition(RunState.Queued, $"interrupted ({reason}); requeued", now);
        else
        {
            run.EndedAt = now;
            run.Transition(RunState.Failed, $"interrupted ({reason}) after {run.Attempts} attempts", now);
        }
        return run.State;
    }

    /// <summary>A cancel request: a queued run is cancelled, a running one flagged; null when nothing changed.</summary>
    public static CancelOutcome Cancel(QueuedRun run, DateTime now, out bool changed)
    {
        changed = true;
        switch (run.State)
        {
            case RunState.Queued:
                run.CancelRequested = true;
                run.EndedAt = now;
                run.Transition(RunState.Cancelled, "cancelled while queued", now);
                return CancelOutcome.Removed;
            case RunState.Running:
                run.CancelRequested = true;
                run.History.Add($"{now:O} cancel requested");
                return CancelOutcome.Stopping;
            default:
                changed = false;
                return CancelOutcome.AlreadyFinished;
        }
    }
}
