using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;

namespace IBot.Pipeline.Lineage;

/// <summary>
/// The lineage of a workspace: specs, runs, artifacts, evaluations, metrics, datasets, sweeps and
/// the relations between them. LiteDB by default (<see cref="Lite.LiteLineageStore"/>); the
/// contract is plain records and batches, so a PostgreSQL store (the hosted service over several
/// machines) implements the same methods with one transaction per batch.
/// Every method is safe to call from several processes at once.
/// </summary>
public interface ILineageStore
{
    /// <summary>Throws the store's exception when it cannot be used at all (damaged, newer, not a lineage
    /// store); reads only, so a refused store is left as it was. Commands call it before any work.</summary>
    void Verify();

    /// <summary>Applies every change of <paramref name="batch"/>, or none.</summary>
    void Write(LineageBatch batch);

    RunRecord? GetRun(string id);

    /// <summary>Runs matching <see cref="RunQuery.Where"/>, sorted, at most <see cref="RunQuery.Limit"/>,
    /// with the number that matched. Throws <see cref="QueryException"/> for a key no run has.</summary>
    RunQueryResult QueryRuns(RunQuery query);

    /// <summary>Every queryable key that some run has (<c>params.…</c>, <c>metrics.…</c>).</summary>
    IReadOnlyList<string> Keys();

    SpecRecord? GetSpec(string id);

    ArtifactRecord? GetArtifact(string id);

    EvaluationRecord? GetEvaluation(string id);

    DatasetFingerprint? GetDataset(string id);

    SweepRecord? GetSweep(string id);

    /// <summary>Artifacts with this content hash (one at most: ids derive from the hash).</summary>
    ArtifactRecord? FindArtifactBySha256(string sha256);

    IReadOnlyList<Relation> RelationsFrom(string id);

    IReadOnlyList<Relation> RelationsTo(string id);

    /// <summary>A run's metric series in the order they were recorded.</summary>
    IReadOnlyList<MetricPoint> MetricsOf(string runId);

    /// <summary>The latest completed run whose canonical inputs hash to <paramref name="reuseKey"/>.</summary>
    RunRecord? FindReusable(string reuseKey);

    /// <summary>The full id of a node from an exact id or a unique prefix of a spec, artifact or dataset
    /// hash (with or without its <c>spec:</c> / <c>artifact:</c> / <c>data:</c> prefix); null when none.
    /// Throws <see cref="ArgumentException"/> when a prefix is ambiguous.</summary>
    string? Resolve(string idOrPrefix);

    /// <summary>Every record as JSON lines (<c>{"collection": …, "document": …}</c>), for backup and other tools.</summary>
    long Export(TextWriter writer);
}
