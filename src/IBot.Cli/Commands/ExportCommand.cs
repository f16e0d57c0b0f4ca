using System.ComponentModel;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot export</c>: a run's backbone as safetensors under the reference parameter names.</summary>
public sealed class ExportCommand(IAnsiConsole console) : Command<ExportCommand.Settings>
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
            : Network is not ("teacher" or "student") ? ValidationResult.Error($"--network must be teacher or student, not '{Network}'")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = Directory.Exists(settings.Run) ? settings.Run : Workspace.Resolve(settings.Workspace).RunFolder(settings.Run);
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
        return 0;
    }
}
