using IBot.Pipeline.Scheduling;
using Microsoft.Extensions.Logging;

namespace IBot.Pipeline.Hosting;

/// <summary>
/// The service's bookkeeping of runs in flight: claims queued runs onto free slots and launches
/// them, settles runs whose process ended (from the status file they wrote), kills runs whose
/// heartbeat stopped, forwards cancel requests, adopts runs that outlived a previous service
/// instance, and on shutdown asks every run to checkpoint and stop and puts it back in the queue.
/// Quartz jobs call it; every method is serialised by one lock.
/// As a node of a shared queue (<see cref="ServiceOptions.Node"/>, <paramref name="cluster"/>) it recovers and settles
/// only its own runs, beats as a node, and takes over the runs of a node that stopped beating (whose runs stopped
/// beating too), settling each from its folder on the shared workspace: finished as its status says, or requeued to
/// resume from its checkpoint. A store it cannot reach stops its claims, never its runs: a run that ends meanwhile is
/// settled once the store answers again.
/// </summary>
public sealed class RunSupervisor(IRunQueue queue, IRunLauncher launcher, DeviceLeases leases, ServiceOptions options, Workspace workspace, ILogger<RunSupervisor> logger,
    QueueLineage? lineage = null, IClusterQueue? cluster = null)
{
    /// <summary>A run in flight; an adopted run has no lease when its slot no longer exists (the service restarted with fewer slots).</summary>
    private sealed record Active(string RunId, IRunProcess Process, DeviceLease? Lease, DateTime LaunchedAt);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Active> active = new(StringComparer.Ordinal);
    // Runs whose process ended while the store could not be reached: settled at the next tick it answers.
    private readonly List<string> unsettled = [];
    private volatile bool stopping;
    private bool storeLost;

    /// <summary>Raised (outside the lock) when a run process ends, so dispatch need not wait for its next tick.</summary>
    public event Action? RunExited;

    public IReadOnlyCollection<string> ActiveRuns
    {
        get { lock (gate) return active.Keys.ToList(); }
    }

    /// <summary>At start: runs the queue says are running belong to a dead service. Those still
    /// alive are adopted (never launched twice); the others are interrupted and requeued.</summary>
    public void Recover()
    {
        lock (gate)
        {
            // Another node's runs are that node's business (or, once it is silent, a takeover's).
            foreach (var run in queue.List(RunState.Running).Where(r => r.Node == options.Node))
            {
                if (active.ContainsKey(run.Id)) continue;
                if (launcher.Adopt(run) is { } process)
                {
                    // Alive: watched to its end, never launched again, even if its slot is gone.
                    var lease = run.Slot is { } slot ? leases.TryTake(slot, run.Id) : null;
                    active[run.Id] = new Active(run.Id, process, lease, DateTime.UtcNow);
                    logger.LogInformation("adopted {Run} (pid {Pid}) on {Device}", run.Id, process.Pid, run.Device);
                }
                else
                {
                    const string reason = "its process ended while no service was watching";
                    var state = queue.Interrupt(run.Id, reason, options.MaxAttempts);
                    lineage?.Interrupted(run.Id, reason, state);
                    logger.LogWarning("{Run} lost its process; now {State}", run.Id, state);
                }
            }
        }
    }

    /// <summary>Settles ended runs, then fills free slots; returns how many runs it launched.</summary>
    public int Dispatch()
    {
        lock (gate)
        {
            Reap();
            var launched = 0;
            while (!stopping)
            {
                var lease = leases.TryAcquire("claiming");
                if (lease is null) break;
                QueuedRun? run;
                try
                {
                    run = queue.ClaimNext(lease.Device, lease.Slot, options.Node);
                    StoreBack();
                }
                catch (Storage.StoreException e) when (e.Transient)
                {
                    leases.Release(lease);
                    StoreLost(e);
                    break;
                }
                if (run is null)
                {
                    leases.Release(lease);
                    break;
                }
                try
                {
                    var folder = workspace.RunFolder(run.Id);
                    RunFiles.PrepareLaunch(folder);
                    var process = launcher.Launch(run, lease, () => RunExited?.Invoke());
                    active[run.Id] = new Active(run.Id, process, lease, DateTime.UtcNow);
                    Attach(run.Id, process);
                    launched++;
                    logger.LogInformation("started {Run} (attempt {Attempt}, pid {Pid}) on {Device}", run.Id, run.Attempts, process.Pid, lease.Device);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidOperationException)
                {
                    leases.Release(lease);
                    queue.Finish(run.Id, RunState.Failed, $"could not start: {e.Message}");
                    lineage?.Status(run.Id, RunState.Failed, $"could not start: {e.Message}");
                    logger.LogError("could not start {Run}: {Error}", run.Id, e.Message);
                }
            }
            return launched;
        }
    }

    /// <summary>Settles ended runs, kills runs whose heartbeat is older than the timeout, and
    /// passes cancel requests recorded in the queue on to their runs.</summary>
    public void CheckHeartbeats()
    {
        lock (gate)
        {
            Reap();
            var now = DateTime.UtcNow;
            foreach (var a in active.Values)
            {
                var folder = workspace.RunFolder(a.RunId);
                var last = RunFiles.LastHeartbeat(folder);
                if (last < a.LaunchedAt) last = a.LaunchedAt;
                if (now - last <= options.HeartbeatTimeout) continue;
                logger.LogWarning("{Run}: no heartbeat for {Seconds:F0} s; killing it", a.RunId, (now - last).TotalSeconds);
                a.Process.Kill();
            }
            try
            {
                if (cluster is not null && options.Node is { } node)
                {
                    cluster.BeatNode(node, string.Join(",", options.Slots));
                    TakeOverSilentNodes(node);
                }
                foreach (var run in queue.List(RunState.Running))
                    if (run.CancelRequested && active.ContainsKey(run.Id) && !RunFiles.CancelRequested(workspace.RunFolder(run.Id)))
                        RunFiles.RequestCancel(workspace.RunFolder(run.Id));
                StoreBack();
            }
            catch (Storage.StoreException e) when (e.Transient)
            {
                StoreLost(e);
            }
        }
    }

    /// <summary>Runs of other nodes where the node and the run have both been silent past the timeout: each is
    /// taken over by one node only (an atomic update), then settled from its folder as if its process had ended here.</summary>
    private void TakeOverSilentNodes(string node)
    {
        foreach (var run in cluster!.Orphans(node, options.HeartbeatTimeout))
        {
            if (run.Node is not { } from || active.ContainsKey(run.Id) || !cluster.TakeOver(run.Id, from, node)) continue;
            logger.LogWarning("{Run}: node {Node} stopped beating; taken over", run.Id, from);
            Settle(run.Id, $"node {from} stopped beating");
        }
    }

    private void Attach(string runId, IRunProcess process)
    {
        try
        {
            queue.AttachProcess(runId, process.Pid, process.StartTime);
        }
        catch (Storage.StoreException e) when (e.Transient)
        {
            // The run goes on; only a restart's adoption needed the pid.
            StoreLost(e);
        }
    }

    private void StoreLost(Storage.StoreException e)
    {
        if (storeLost) return;
        storeLost = true;
        logger.LogError("the store cannot be reached ({Error}): no claims until it answers; running runs go on", e.Message);
    }

    private void StoreBack()
    {
        if (!storeLost) return;
        storeLost = false;
        logger.LogInformation("the store answers again: claiming");
    }

    /// <summary>Shutdown: no more launches; every run is asked to checkpoint and stop, given
    /// <see cref="ServiceOptions.StopTimeout"/>, then killed; all go back to the queue without
    /// spending an attempt.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<Active> running;
        lock (gate)
        {
            stopping = true;
            running = active.Values.ToList();
            foreach (var a in running) a.Process.RequestStop();
        }
        var deadline = DateTime.UtcNow + options.StopTimeout;
        while (running.Any(a => !a.Process.HasExited) && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            await Task.Delay(100, CancellationToken.None);
        foreach (var a in running.Where(a => !a.Process.HasExited)) a.Process.Kill();
        var killDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (running.Any(a => !a.Process.HasExited) && DateTime.UtcNow < killDeadline)
            await Task.Delay(50, CancellationToken.None);
        lock (gate) Reap();
    }

    private void Reap()
    {
        foreach (var a in active.Values.Where(a => a.Process.HasExited).ToList())
        {
            active.Remove(a.RunId);
            if (a.Lease is not null) leases.Release(a.Lease);
            unsettled.Add(a.RunId);
        }
        while (unsettled.Count > 0)
        {
            try
            {
                Settle(unsettled[0]);
                unsettled.RemoveAt(0);
            }
            catch (Storage.StoreException e) when (e.Transient)
            {
                StoreLost(e);
                return;
            }
        }
    }

    private void Settle(string runId, string died = "its process ended without a status (killed or crashed)")
    {
        var status = RunFiles.ReadStatus(workspace.RunFolder(runId));
        switch (status?.Status)
        {
            case "completed":
                queue.Finish(runId, RunState.Completed, null);
                logger.LogInformation("{Run} completed", runId);
                break;
            case "failed":
                // A run that reports failure (bad data, divergence) would fail the same way again.
                queue.Finish(runId, RunState.Failed, status.Value.Reason);
                logger.LogWarning("{Run} failed: {Reason}", runId, status.Value.Reason);
                break;
            case "cancelled":
                // Stopped on request: a cancel makes it cancelled, a shutdown puts it back in the queue.
                var state = queue.Interrupt(runId, status.Value.Reason ?? "stopped", options.MaxAttempts, countAttempt: false);
                // The run recorded itself cancelled; requeued by a shutdown, it is queued again.
                if (state == RunState.Queued) lineage?.Status(runId, RunState.Queued, "service stopped; requeued to resume from its checkpoint");
                logger.LogInformation("{Run} stopped; now {State}", runId, state);
                break;
            default:
                var after = queue.Interrupt(runId, died, options.MaxAttempts, countAttempt: !stopping);
                lineage?.Interrupted(runId, died, after);
                logger.LogWarning("{Run} died; now {State}", runId, after);
                break;
        }
    }
}
