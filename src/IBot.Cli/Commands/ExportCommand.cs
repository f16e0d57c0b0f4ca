using System.ComponentModel;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot export</c>: a run's backbone as safetensors under the reference parameter names.</summary>
public sealed class ExportCommand(IAnsiConsole console, Output.ErrorConsole errors, IBackboneExporter exporter) : Command<ExportCommand.Settings>
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

        [CommandOption(StoreOption.Template)]
        [Description(StoreOption.Description)]
        public string? Store { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out FILE is required")
            : Directory.Exists(Out) ? ValidationResult.Error($"--out {Out} is a folder; give the path of the .safetensors file to write")
            : Network is not ("teacher" or "student") ? ValidationResult.Error($"--network must be teacher or student, not '{Network}'")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var network = settings.Network == "teacher" ? EvaluatedNetwork.Teacher : EvaluatedNetwork.Student;
        var stores = CliStores.Open(settings.Workspace, settings.Store);
        var result = BackboneExport.Run(stores.Workspace, settings.Run, network, settings.Out, exporter, stores.Lineage);
        console.MarkupLineInterpolated($"exported {result.Tensors} {settings.Network} backbone tensors to [bold]{result.Output}[/]");
        if (result.LineageNote is { } note) console.MarkupLineInterpolated($"[grey]{note}[/]");
        if (result.LineageWarning is { } warning) errors.Warning(warning);
        return 0;
    }
}
