using System.ComponentModel;
using IBot.Cli.Infrastructure;
using IBot.Cli.Output;
using IBot.Pipeline.Scheduling;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot cancel</c>: a queued run never starts; a running run is asked to stop (it keeps
/// its last checkpoint) and ends cancelled.</summary>
public sealed class CancelCommand(IAnsiConsole console, ErrorConsole errors) : Command<CancelCommand.Settings>
{
    public sealed class Settings : WorkspaceSettings
    {
        [CommandArgument(0, "<RUN>")]
        [Description("Run id.")]
        public string Run { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var access = QueueAccess.Open(settings.Workspace);
        var outcome = new RunCanceller(access.Queue, access.Workspace, access.Lineage(errors.Warning)).Cancel(settings.Run);
        if (outcome == CancelOutcome.NotFound) throw new ArgumentException($"run '{settings.Run}' is not in the queue of {access.Workspace.Root}");
        if (settings.Json) JsonOutput.Write(console, new { RunId = settings.Run, Outcome = outcome.ToString().ToLowerInvariant() });
        else
            console.MarkupLine(outcome switch
            {
                CancelOutcome.Removed => $"{Markup.Escape(settings.Run)}: cancelled (it was queued)",
                CancelOutcome.Stopping => $"{Markup.Escape(settings.Run)}: stopping (it checkpoints and ends cancelled)",
                _ => $"{Markup.Escape(settings.Run)}: already finished",
            });
        return 0;
    }
}
