using IBot.Pipeline.Lineage.Graph;
using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Documents;

/// <summary><c>ibot show RUN --json</c>: the run in full, the data each role read, the checkpoints it wrote,
/// its evaluations (each with the checkpoint it measured) and the checkpoints it resumed from.</summary>
public sealed record RunDetailsDocument(
    RunDocument Run,
    IReadOnlyList<DatasetFingerprint> Datasets,
    IReadOnlyList<ArtifactRecord> Artifacts,
    IReadOnlyList<EvaluationRecord> Evaluations,
    IReadOnlyList<string> ResumedFrom)
{
    public static RunDetailsDocument Of(RunDetails d) => new(RunDocument.Of(d.Run, full: true), d.Datasets, d.Artifacts, d.Evaluations, d.ResumedFrom);
}
