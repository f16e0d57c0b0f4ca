using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Storage;

namespace IBot.Pipeline.Lineage.Recording;

/// <summary>
/// Records one run in the lineage store as it happens: its start (spec, data, environment),
/// status changes, training metrics (buffered, written at each epoch end and at the finish),
/// checkpoints with their SHA-256, evaluations linked to the checkpoint they measured, and how it
/// ended. The start is the run's first write and throws when the store fails it: the run has not
/// started, and the caller refuses it. A later write that fails is reported through <c>warn</c> and the
/// run goes on: losing a lineage entry is better than killing a day-long run. A store found damaged
/// then gets no more writes from this run (it is left as it is); one that was only busy gets the next.
/// </summary>
public sealed class RunRecorder(ILineageStore store, string runId, Action<string> warn)
{
    private readonly List<MetricPoint> pending = [];
    private (string Id, int Epoch)? lastCheckpoint;
    private bool storeFailed;

    public string RunId => runId;

    /// <summary>A new run: its record (with its first status), spec, data fingerprints and their relations.
    /// Throws the store's exception when they cannot be recorded.</summary>
    public void Start(RunRecord run, SpecRecord spec, IReadOnlyList<DatasetFingerprint> datasets, ArtifactRecord? input = null)
    {
        var batch = new LineageBatch();
        batch.Specs.Add(spec);
        batch.Datasets.AddRange(datasets);
        batch.Runs.Add(run);
        batch.Relations.Add(new Relation(spec.Id, RelationKinds.Configures, run.Id));
        foreach (var d in datasets) batch.Relations.Add(new Relation(d.Id, RelationKinds.Feeds, run.Id));
        if (run.Sweep is { } sweep) batch.Relations.Add(new Relation(sweep, RelationKinds.Expands, run.Id));
        if (input is not null)
        {
            batch.Artifacts.Add(input);
            lastCheckpoint = (input.Id, 0);
        }
        store.Write(batch);
    }

    /// <summary>A run recorded before it started (queued by <c>ibot submit</c>, or interrupted) starts on
    /// <paramref name="device"/>. Throws the store's exception when that cannot be recorded.</summary>
    public void Running(string device, string reason) =>
        store.Write(new LineageBatch { StatusChanges = { new StatusChange(runId, RunState.Running, DateTime.UtcNow, reason, device) } });

    /// <summary>A run continued from its checkpoint: running again, and the checkpoint it resumed from,
    /// made after <paramref name="epoch"/> epochs and <paramref name="iteration"/> more steps (0 at an
    /// epoch's end; more when the run was stopped in the middle of an epoch).</summary>
    public void Resume(string checkpointPath, int epoch, int iteration = 0)
    {
        var batch = new LineageBatch();
        var artifact = Artifact(checkpointPath, "checkpoint", epoch);
        var reason = iteration == 0 ? $"resumed after epoch {epoch}" : $"resumed in epoch {epoch + 1} after iteration {iteration}";
        batch.StatusChanges.Add(new StatusChange(runId, RunState.Running, DateTime.UtcNow, reason));
        if (artifact is not null)
        {
            batch.Artifacts.Add(artifact);
            batch.Relations.Add(new Relation(artifact.Id, RelationKinds.Resumes, runId));
            // Only an end-of-epoch checkpoint holds the weights an evaluation of that epoch measures.
            if (iteration == 0) lastCheckpoint = (artifact.Id, epoch);
        }
        Write(batch);
    }

    public void Metric(string name, double value, int epoch, long step)
    {
        if (double.IsFinite(value)) pending.Add(new MetricPoint(runId, name, value, epoch, step, DateTime.UtcNow));
    }

    /// <summary>Writes the buffered training metrics.</summary>
    public void Flush()
    {
        if (pending.Count == 0) return;
        var batch = new LineageBatch();
        batch.Metrics.AddRange(pending);
        pending.Clear();
        Write(batch);
    }

    public void Checkpoint(string path, int epoch)
    {
        var artifact = Artifact(path, "checkpoint", epoch);
        if (artifact is null) return;
        var batch = new LineageBatch();
        batch.Artifacts.Add(artifact);
        batch.Relations.Add(new Relation(runId, RelationKinds.Produces, artifact.Id));
        batch.Metrics.AddRange(pending);
        pending.Clear();
        Write(batch);
        lastCheckpoint = (artifact.Id, epoch);
    }

    /// <summary>One evaluator's results. They measured the last checkpoint when it holds this
    /// epoch's weights (or the evaluation-only run's input); otherwise only "run at epoch".</summary>
    public void Evaluation(string evaluator, int epoch, long step, IReadOnlyDictionary<string, double> metrics)
    {
        var id = EvaluationRecord.IdOf(runId, evaluator, epoch);
        var artifact = lastCheckpoint is { } c && c.Epoch == epoch ? c.Id : null;
        var at = DateTime.UtcNow;
        var named = metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => $"{evaluator}_{m.Key}", m => m.Value);
        var batch = new LineageBatch();
        batch.Evaluations.Add(new EvaluationRecord(id, runId, evaluator, epoch, artifact, named, at));
        batch.Relations.Add(new Relation(runId, RelationKinds.Performs, id));
        if (artifact is not null) batch.Relations.Add(new Relation(artifact, RelationKinds.EvaluatedBy, id));
        foreach (var (name, value) in named) batch.Metrics.Add(new MetricPoint(runId, name, value, epoch, step, at, id));
        Write(batch);
    }

    public void Finish(RunState status, string? reason)
    {
        var batch = new LineageBatch();
        batch.Metrics.AddRange(pending);
        pending.Clear();
        batch.StatusChanges.Add(new StatusChange(runId, status, DateTime.UtcNow, reason));
        Write(batch);
    }

    /// <summary>A file as an artifact: its hash, size, and producer — this run for its own checkpoints.</summary>
    private ArtifactRecord? Artifact(string path, string kind, int epoch)
    {
        try
        {
            var sha = FileHashes.Sha256(path);
            return new ArtifactRecord(ArtifactRecord.IdOf(sha), sha, kind, Path.GetFullPath(path), new FileInfo(path).Length, runId, epoch, DateTime.UtcNow);
        }
        catch (IOException e)
        {
            warn($"lineage: could not hash {path}: {e.Message}");
            return null;
        }
    }

    /// <summary>An input file (evaluation-only weights) as an artifact: the record the store already has
    /// for those bytes (so it links to the run that wrote them), or a new one with no producer.</summary>
    public static ArtifactRecord Input(ILineageStore store, string path, string sha256) =>
        store.FindArtifactBySha256(sha256)
        ?? new ArtifactRecord(ArtifactRecord.IdOf(sha256), sha256, "weights", Path.GetFullPath(path), new FileInfo(path).Length, null, null, DateTime.UtcNow);

    private void Write(LineageBatch batch)
    {
        if (storeFailed) return;
        try
        {
            store.Write(batch);
        }
        catch (StoreException e) when (!e.Transient)
        {
            storeFailed = true;
            warn($"lineage: not recorded, and nothing more of this run will be ({e.Message})");
        }
        catch (Exception e) when (e is StoreException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            warn($"lineage: not recorded ({e.Message})");
        }
    }
}
