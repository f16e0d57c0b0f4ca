using IBot.Cli.Infrastructure;
using IBot.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot schedules</c>: the stored cron schedules (specs submitted with <c>schedule:</c>).</summary>
public sealed class SchedulesCommand(IAnsiConsole console) : Command<WorkspaceSettings>
{
    public override int Execute(CommandContext context, WorkspaceSettings settings, CancellationToken cancellationToken)
    {
        var schedules = QueueAccess.Open(settings.Workspace, settings.Store).Schedules.List();
        if (settings.Json)
        {
            JsonOutput.Write(console, schedules.Select(s => new { s.Id, s.Name, s.Cron, s.Priority, s.SourcePath, s.CreatedAt, s.LastFiredAt }).ToArray());
            return 0;
        }
        if (schedules.Count == 0)
        {
            console.MarkupLine("no schedules");
            return 0;
        }
        var table = new Table().AddColumns("id", "cron", "spec", "last fired");
        foreach (var s in schedules)
            table.AddRow(Markup.Escape(s.Id), Markup.Escape(s.Cron), Markup.Escape(s.SourcePath), s.LastFiredAt?.ToUniversalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "never");
        console.Write(table);
        return 0;
    }
}
