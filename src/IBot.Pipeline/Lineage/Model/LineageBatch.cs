namespace IBot.Pipeline.Lineage.Model;

/// <summary>
/// Changes written together, atomically: a store applies all of a batch or none of it. Runs are
/// recorded as things happen, each event a small batch; bulk writers (sweeps, the benchmark) put
/// many runs in one.
/// </summary>
public sealed class LineageBatch
{
    public List<SpecRecord> Specs { get; } = [];
    public List<SweepRecord> Sweeps { get; } = [];
    public List<DatasetFingerprint> Datasets { get; } = [];

    /// <summary>New runs; their <see cref="RunRecord.History"/> holds their first status.</summary>
    public List<RunRecord> Runs { get; } = [];
    public List<StatusChange> StatusChanges { get; } = [];
    public List<ArtifactRecord> Artifacts { get; } = [];
    public List<EvaluationRecord> Evaluations { get; } = [];
    public List<MetricPoint> Metrics { get; } = [];
    public List<Relation> Relations { get; } = [];

    public bool IsEmpty => Specs.Count + Sweeps.Count + Datasets.Count + Runs.Count + StatusChanges.Count + Artifacts.Count
        + Evaluations.Count + Metrics.Count + Relations.Count == 0;
}
