using System.ComponentModel;
using IBot.Pipeline.Hosting;
using IBot.Cli.Lineage;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Recording;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot export</c>: a run's backbone as safetensors under the reference parameter names.</summary>
public sealed class ExportCommand(IAnsiConsole console, Output.ErrorConsole errors) : Command<ExportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<RUN>")]
        [Description("Run id (in the workspace) or run folder.")]
        public string Run { get; init; } = "";

        [CommandOption("--out <FILE>")]
        [Description("Output .safetensors file.")]
        public string Out { get; init; } = "";

        [CommandOption("--network <NAME>")]
        [Description("teacher (the paper evaluates it) or student.")]
        [DefaultValue("teacher")]
        public string Network { get; init; } = "teacher";

        [CommandOption("--workspace <DIR>")]
        [Description("Workspace (default: $IBOT_WORKSPACE, else ./runs).")]
        public string? Workspace { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out FILE is required")
            : Directory.Exists(Out) ? ValidationResult.Error($"--out {Out} is a folder; give the path of the .safetensors file to write")
            : Network is not ("teacher" or "student") ? ValidationResult.Error($"--network must be teacher or student, not '{Network}'")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var workspace = Workspace.Resolve(settings.Workspace);
        var folder = Directory.Exists(settings.Run) ? settings.Run : workspace.RunFolder(settings.Run);
        var checkpoint = Path.Combine(folder, "checkpoints", IBotRun.CheckpointFile);
        if (!File.Exists(checkpoint)) throw new FileNotFoundException($"run '{settings.Run}' has no checkpoint ({checkpoint})", checkpoint);
        var weights = TrainingCheckpoint.Backbone(checkpoint, settings.Network);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "ibot-pipeline/backbone/1",
            ["network"] = settings.Network,
            ["source"] = Path.GetFullPath(checkpoint),
        };
        SafeTensors.Save(settings.Out, weights, metadata);
        console.MarkupLineInterpolated($"exported {weights.Count} {settings.Network} backbone tensors to [bold]{settings.Out}[/]");
        RecordExport(workspace, checkpoint, settings.Out);
        return 0;
    }

    /// <summary>The export as an artifact derived from the checkpoint, so that an evaluation of the
    /// exported file traces back to the run. The export itself stands if this fails.</summary>
    private void RecordExport(Workspace workspace, string checkpoint, string output)
    {
        try
        {
            var store = RunLineage.Open(workspace);
            if (store.FindArtifactBySha256(FileHashes.Sha256(checkpoint)) is not { } source)
            {
                console.MarkupLine("[grey]lineage: this checkpoint is not recorded (a run from before lineage?); the export is not linked to it[/]");
                return;
            }
            var sha = FileHashes.Sha256(output);
            var export = new ArtifactRecord(ArtifactRecord.IdOf(sha), sha, "export", Path.GetFullPath(output), new FileInfo(output).Length, source.ProducedBy, source.Epoch, DateTime.UtcNow);
            var batch = new LineageBatch();
            batch.Artifacts.Add(export);
            batch.Relations.Add(new Relation(source.Id, RelationKinds.ExportedAs, export.Id));
            store.Write(batch);
        }
        catch (LineageStoreException e)
        {
            errors.Warning($"lineage: the export is not recorded ({e.Message})");
        }
    }
}
