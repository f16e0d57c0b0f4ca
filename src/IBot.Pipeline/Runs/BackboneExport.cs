using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Recording;

namespace IBot.Pipeline.Runs;

/// <summary>What <c>ibot export</c> did: the checkpoint it read, how many tensors it wrote, a note when lineage
/// does not know the checkpoint, and a warning when the lineage store failed to record the export.</summary>
public sealed record ExportResult(string Checkpoint, string Output, int Tensors, string? LineageNote, string? LineageWarning);

/// <summary><c>ibot export</c>: a run's backbone as a weights file, recorded in lineage as derived from the checkpoint.</summary>
public static class BackboneExport
{
    /// <summary>Writes the run's backbone to <paramref name="output"/> and records the export in lineage.</summary>
    /// <param name="workspace">Where the run's folder is.</param>
    /// <param name="run">The run's id or folder.</param>
    /// <param name="network">Teacher or student.</param>
    /// <param name="output">The weights file to write.</param>
    /// <param name="exporter">The format's writer.</param>
    /// <param name="lineage">The lineage store the export is recorded in; null: the workspace's own LiteDB file.</param>
    public static ExportResult Run(Workspace workspace, string run, EvaluatedNetwork network, string output, IBackboneExporter exporter, ILineageStore? lineage = null)
    {
        var folder = Directory.Exists(run) ? run : workspace.RunFolder(run);
        var checkpoint = new RunLayout(folder).Checkpoint;
        if (!File.Exists(checkpoint)) throw new FileNotFoundException($"run '{run}' has no checkpoint ({checkpoint})", checkpoint);
        if (Directory.Exists(output)) throw new ArgumentException($"--out '{output}' is a directory; give the file to write");
        var tensors = exporter.Export(checkpoint, network, output);
        var (note, warning) = Record(lineage ?? LineageStores.Open(workspace), checkpoint, output);
        return new ExportResult(checkpoint, output, tensors, note, warning);
    }

    /// <summary>The export as an artifact derived from the checkpoint, so that an evaluation of the
    /// exported file traces back to the run. The export itself stands if this fails.</summary>
    private static (string? Note, string? Warning) Record(ILineageStore store, string checkpoint, string output)
    {
        try
        {
            if (store.FindArtifactBySha256(FileHashes.Sha256(checkpoint)) is not { } source)
                return ("lineage: this checkpoint is not recorded (a run from before lineage?); the export is not linked to it", null);
            var sha = FileHashes.Sha256(output);
            var export = new ArtifactRecord(ArtifactRecord.IdOf(sha), sha, "export", Path.GetFullPath(output), new FileInfo(output).Length, source.ProducedBy, source.Epoch, DateTime.UtcNow);
            var batch = new LineageBatch();
            batch.Artifacts.Add(export);
            batch.Relations.Add(new Relation(source.Id, RelationKinds.ExportedAs, export.Id));
            store.Write(batch);
            return (null, null);
        }
        catch (LineageStoreException e)
        {
            return (null, $"lineage: the export is not recorded ({e.Message})");
        }
    }
}
