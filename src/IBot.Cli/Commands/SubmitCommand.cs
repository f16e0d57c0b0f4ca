using System.ComponentModel;
using IBot.Cli.Infrastructure;
using IBot.Cli.Output;
using IBot.Pipeline.Components;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Specs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot submit</c>: expand the spec's sweep, validate every run and queue them (or store
/// its cron schedule). Needs no running service: <c>ibot serve</c> picks the runs up when it runs.</summary>
public sealed class SubmitCommand(IAnsiConsole console, ErrorConsole errors, ComponentCatalog catalog) : Command<SubmitCommand.Settings>
{
    public sealed class Settings : SpecSettings
    {
        [CommandOption("--priority <N>")]
        [Description("Higher runs first; equal priorities in submission order (default 0).")]
        public int Priority { get; init; }

        [CommandOption("--workspace <DIR>")]
        [Description("Workspace (default: $IBOT_WORKSPACE, else ./runs).")]
        public string? Workspace { get; init; }

        [CommandOption(StoreOption.Template)]
        [Description(StoreOption.Description)]
        public string? Store { get; init; }

        [CommandOption("--json")]
        [Description("One JSON object: sweep id, run ids and names, schedule id.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var access = QueueAccess.Open(settings.Workspace, settings.Store);
        var submitter = new RunSubmitter(new SpecValidator(catalog), access.Queue, access.Schedules, access.Workspace,
            access.Lineage(errors.Warning));
        // A spec error or an unusable store ends the command through CliApp: errors on stderr, JSON with --json.
        var result = submitter.Submit(settings.Spec, settings.Set, settings.Priority);
        if (settings.Json)
        {
            JsonOutput.Write(console, new { result.SweepId, result.ScheduleId, Runs = result.Runs.Select(r => new { r.Id, r.Name, r.Priority }).ToArray() });
            return 0;
        }
        if (result.ScheduleId is { } schedule)
            console.MarkupLineInterpolated($"scheduled [bold]{schedule}[/]; ibot serve submits it at each fire time");
        if (result.SweepId is { } sweep)
            console.MarkupLineInterpolated($"sweep [bold]{sweep}[/]: {result.Runs.Count} runs");
        foreach (var run in result.Runs)
            JsonOutput.Line(console, $"queued {run.Id}");
        return 0;
    }
}
