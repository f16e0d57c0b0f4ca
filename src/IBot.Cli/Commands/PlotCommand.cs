using System.ComponentModel;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Vision.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot plot</c>: redraws a run's <c>figures/curves.png</c> from its <c>metrics.jsonl</c>
/// (runs do it themselves when they end; this serves runs still going, or older ones).</summary>
public sealed class PlotCommand(IAnsiConsole console) : Command<PlotCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<RUN>")]
        [Description("Run id (in the workspace) or run folder.")]
        public string Run { get; init; } = "";

        [CommandOption("--workspace <DIR>")]
        [Description("Workspace (default: $IBOT_WORKSPACE, else ./runs).")]
        public string? Workspace { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = Directory.Exists(settings.Run) ? Path.GetFullPath(settings.Run) : Workspace.Resolve(settings.Workspace).RunFolder(settings.Run);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"run '{settings.Run}' not found");
        var path = CurvesFigure.Write(folder) ?? throw new InvalidDataException($"{folder} has no metrics to plot (metrics.jsonl is missing or empty)");
        console.WriteLine(path);
        return 0;
    }
}
