using System.ComponentModel;
using IBot.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot schedules remove ID</c>: a running service drops the cron trigger at its next schedule sync.</summary>
public sealed class ScheduleRemoveCommand(IAnsiConsole console) : Command<ScheduleRemoveCommand.Settings>
{
    public sealed class Settings : WorkspaceSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("Schedule id (see ibot schedules).")]
        public string Id { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!QueueAccess.Open(settings.Workspace, settings.Store).Schedules.Remove(settings.Id)) throw new ArgumentException($"no schedule '{settings.Id}'");
        if (settings.Json) Output.JsonOutput.Write(console, new { Removed = settings.Id });
        else console.MarkupLineInterpolated($"removed {settings.Id}");
        return 0;
    }
}
