using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Lineage.Graph;

/// <summary>
/// Everything <c>ibot show</c> (and the web UI's run page) tells about one run besides its record: the data
/// each role read (two roles reading the same data share one fingerprint and both are kept), the artifacts it
/// produced (checkpoints with their SHA-256), its evaluations by epoch (each with the checkpoint it measured)
/// and the checkpoints it resumed from.
/// </summary>
public sealed record RunDetails(
    RunRecord Run,
    IReadOnlyList<DatasetFingerprint> Datasets,
    IReadOnlyList<ArtifactRecord> Artifacts,
    IReadOnlyList<EvaluationRecord> Evaluations,
    IReadOnlyList<string> ResumedFrom)
{
    public static RunDetails Load(ILineageStore store, RunRecord run)
    {
        var from = store.RelationsFrom(run.Id);
        var produced = from.Where(r => r.Kind == RelationKinds.Produces).Select(r => store.GetArtifact(r.To)).OfType<ArtifactRecord>().ToList();
        var evaluations = from.Where(r => r.Kind == RelationKinds.Performs).Select(r => store.GetEvaluation(r.To)).OfType<EvaluationRecord>()
            .OrderBy(e => e.Epoch).ThenBy(e => e.Evaluator, StringComparer.Ordinal).ToList();
        var resumedFrom = store.RelationsTo(run.Id).Where(r => r.Kind == RelationKinds.Resumes).Select(r => r.From).ToList();
        var datasets = run.DataRoles.Count > 0
            ? run.DataRoles.Select(r => store.GetDataset(r.Value) is { } d ? d with { Role = r.Key } : null).OfType<DatasetFingerprint>().ToList()
            : run.Datasets.Select(store.GetDataset).OfType<DatasetFingerprint>().ToList();
        return new RunDetails(run, datasets, produced, evaluations, resumedFrom);
    }

    /// <summary>The run with this id or unique id prefix; <see cref="ArgumentException"/> naming
    /// <paramref name="where"/> (the store) when there is none, or when the prefix is ambiguous.</summary>
    public static RunRecord FindRun(ILineageStore store, string idOrPrefix, string where)
    {
        var id = store.Resolve(idOrPrefix);
        return (id is null ? null : store.GetRun(id)) ?? throw new ArgumentException($"no run '{idOrPrefix}' in {where}");
    }
}
