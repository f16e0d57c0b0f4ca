using IBot.Cli.Infrastructure;
using IBot.Cli.Output;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Documents;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot queue</c>: queued and running runs (and, with <c>--all</c>, finished ones) in submission order.</summary>
public sealed class QueueCommand(IAnsiConsole console) : Command<QueueCommand.Settings>
{
    public sealed class Settings : WorkspaceSettings
    {
        [Spectre.Console.Cli.CommandOption("--all")]
        [System.ComponentModel.Description("Include completed, failed and cancelled runs.")]
        public bool All { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var access = QueueAccess.Open(settings.Workspace);
        var runs = settings.All ? access.Queue.List() : access.Queue.List(RunState.Queued, RunState.Running);
        if (settings.Json)
        {
            JsonOutput.Write(console, runs.Select(QueueEntryDocument.Of).ToArray());
            return 0;
        }
        if (runs.Count == 0)
        {
            console.MarkupLine(settings.All ? "the queue is empty" : "nothing queued or running");
            return 0;
        }
        var table = new Table().AddColumns("run", "state", "priority", "attempts", "device", "sweep", "reason");
        foreach (var r in runs)
            table.AddRow(Markup.Escape(r.Id), r.State.ToString().ToLowerInvariant() + (r.CancelRequested && r.State == RunState.Running ? " (cancelling)" : ""),
                r.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                r.Device ?? "", Markup.Escape(r.SweepId ?? ""), Markup.Escape(r.Reason ?? ""));
        console.Write(table);
        return 0;
    }
}
