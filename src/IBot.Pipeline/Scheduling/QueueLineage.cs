using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Recording;
using IBot.Pipeline.Specs;
using IBot.Pipeline.Storage;
using LineageState = IBot.Pipeline.Abstractions.Runs.RunState;

namespace IBot.Pipeline.Scheduling;

/// <summary>
/// What the queue tells lineage: submitted runs (queued, with spec, parameters, data and their
/// sweep: sweep → run relations) and the status changes only the queue side sees (cancelled
/// while queued, interrupted, requeued, failed after its retries). The worker records the rest
/// (running, completed, failed, cancelled) itself. A submission's record is its first write, so a store
/// that fails it refuses the submission (nothing is queued); a later failed write is reported and the
/// queue goes on, as <see cref="RunRecorder"/> does for runs.
/// </summary>
public sealed class QueueLineage(ILineageStore store, Action<string> warn)
{
    /// <summary>Checks that the store can be used before a submission does any work (see <see cref="ILineageStore.Verify"/>).</summary>
    public void Verify() => store.Verify();

    /// <summary>The submitted runs, queued; throws the store's exception when they cannot be recorded.</summary>
    public void Submitted(string? sweepId, string sweepName, IReadOnlyList<(QueuedRun Run, ResolvedSpec Spec)> runs, Workspace workspace)
    {
        var batch = new LineageBatch();
        var now = DateTime.UtcNow;
        if (sweepId is not null) batch.Sweeps.Add(new SweepRecord(sweepId, sweepName, runs[0].Spec.Hash, now));
        foreach (var (run, spec) in runs)
        {
            var datasets = DatasetFingerprints.Of(spec.Tree);
            batch.Specs.Add(new SpecRecord(SpecRecord.IdOf(spec.Hash), spec.Hash, spec.Spec.Name, spec.ToYaml(), now));
            batch.Datasets.AddRange(datasets.Where(d => batch.Datasets.All(x => x.Id != d.Id)));
            batch.Runs.Add(new RunRecord
            {
                Id = run.Id, Name = run.Name, Kind = spec.IsTraining ? RunKind.Training : RunKind.Evaluation, SpecHash = spec.Hash,
                Status = LineageState.Queued, History = [new StatusChange(run.Id, LineageState.Queued, now, $"submitted, priority {run.Priority}")],
                Created = now, Updated = now, Sweep = sweepId, Folder = workspace.RunFolder(run.Id),
                Datasets = DatasetFingerprints.Ids(datasets), DataRoles = DatasetFingerprints.Roles(datasets), Params = SpecParams.Flatten(spec.Tree),
                ReuseKey = spec.IsTraining ? ReuseKeys.Training(spec.Tree, datasets) : null,
            });
            batch.Relations.Add(new Relation(SpecRecord.IdOf(spec.Hash), RelationKinds.Configures, run.Id));
            foreach (var d in datasets) batch.Relations.Add(new Relation(d.Id, RelationKinds.Feeds, run.Id));
            if (sweepId is not null) batch.Relations.Add(new Relation(sweepId, RelationKinds.Expands, run.Id));
        }
        store.Write(batch);
    }

    /// <summary>An interruption and where it left the run (queued again, or failed for good).</summary>
    public void Interrupted(string runId, string reason, RunState after)
    {
        var batch = new LineageBatch();
        var now = DateTime.UtcNow;
        batch.StatusChanges.Add(new StatusChange(runId, LineageState.Interrupted, now, reason));
        if (Map(after) is { } state) batch.StatusChanges.Add(new StatusChange(runId, state, now, after == RunState.Queued ? "requeued to resume from its checkpoint" : null));
        Write(batch);
    }

    public void Status(string runId, RunState state, string? reason)
    {
        if (Map(state) is not { } mapped) return;
        var batch = new LineageBatch();
        batch.StatusChanges.Add(new StatusChange(runId, mapped, DateTime.UtcNow, reason));
        Write(batch);
    }

    private static LineageState? Map(RunState state) => state switch
    {
        RunState.Queued => LineageState.Queued,
        RunState.Running => LineageState.Running,
        RunState.Completed => LineageState.Completed,
        RunState.Failed => LineageState.Failed,
        RunState.Cancelled => LineageState.Cancelled,
        _ => null,
    };

    private void Write(LineageBatch batch)
    {
        try
        {
            store.Write(batch);
        }
        catch (Exception e) when (e is StoreException or IOException or ArgumentException)
        {
            warn($"lineage not recorded: {e.Message}");
        }
    }
}
