using IBot.Pipeline.Lineage;
using System.ComponentModel;
using System.Globalization;
using IBot.Cli.Output;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;
using IBot.Pipeline.Documents;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot runs</c>: list and filter runs from the lineage store.</summary>
public sealed class RunsCommand(IAnsiConsole console) : Command<RunsCommand.Settings>
{
    public sealed class Settings : LineageSettings
    {
        [CommandOption("--where <EXPR>")]
        [Description("Filter, e.g. \"metrics.knn_top1 > 70 and params.train.optimizer.lr in (5e-4, 1e-3)\"; fields: id name status kind sweep created spec device params.KEY metrics.NAME[.min|.max|.best].")]
        public string? Where { get; init; }

        [CommandOption("--sort <KEY>")]
        [Description("Sort field; -KEY or 'KEY desc' for descending (default: -created, newest first).")]
        public string? Sort { get; init; }

        [CommandOption("--limit <N>")]
        [Description("At most N runs (default 50).")]
        [DefaultValue(50)]
        public int Limit { get; init; } = 50;

        public override ValidationResult Validate() =>
            Limit < 0 ? ValidationResult.Error("--limit must be 0 or more") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var store = LineageStores.Open(Workspace.Resolve(settings.Workspace));
        var result = store.QueryRuns(new RunQuery(settings.Where, settings.Sort, settings.Limit));
        if (settings.Json)
        {
            JsonOutput.Write(console, RunListDocument.Of(result));
            return 0;
        }
        // Besides the run's own fields, a column for each params / metrics key the query names.
        var extra = RunColumns.Named(settings.Where, settings.Sort);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "name", "kind", "status", "created");
        foreach (var key in extra) table.AddColumn(Markup.Escape(key));
        foreach (var run in result.Runs)
            table.AddRow([
                Markup.Escape(run.Id), Markup.Escape(run.Name), run.Kind.ToString().ToLowerInvariant(), Status(run.Status),
                run.Created.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), .. extra.Select(k => Markup.Escape(RunColumns.Cell(run, k))),
            ]);
        console.Write(table);
        console.MarkupLineInterpolated($"{result.Runs.Count} of {result.Matched} matching run{(result.Matched == 1 ? "" : "s")}");
        return 0;
    }

    public static string Status(RunState status) => status switch
    {
        RunState.Completed => "[green]completed[/]",
        RunState.Failed => "[red]failed[/]",
        RunState.Running => "[blue]running[/]",
        var s => s.ToString().ToLowerInvariant(),
    };
}
