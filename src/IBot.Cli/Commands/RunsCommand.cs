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
        var extra = QueryLexer.Tokenize($"{settings.Where} {settings.Sort?.TrimStart('-')}")
            .Where(t => t.Kind == TokenKind.Identifier && (t.Text.StartsWith(RunFields.Params, StringComparison.Ordinal) || t.Text.StartsWith(RunFields.Metrics, StringComparison.Ordinal)))
            .Select(t => t.Text).Distinct(StringComparer.Ordinal).ToList();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "name", "kind", "status", "created");
        foreach (var key in extra) table.AddColumn(Markup.Escape(key));
        foreach (var run in result.Runs)
            table.AddRow([
                Markup.Escape(run.Id), Markup.Escape(run.Name), run.Kind.ToString().ToLowerInvariant(), Status(run.Status),
                run.Created.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), .. extra.Select(k => Markup.Escape(Cell(run, k))),
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

    private static string Cell(RunRecord run, string key)
    {
        if (key.StartsWith(RunFields.Params, StringComparison.Ordinal))
            return run.Params.TryGetValue(key[RunFields.Params.Length..], out var p) ? p.Format() : "";
        var name = key[RunFields.Metrics.Length..];
        var dot = name.LastIndexOf('.');
        var suffix = dot > 0 ? name[(dot + 1)..] : "";
        if (suffix is "last" or "min" or "max" or "best") name = name[..dot];
        if (!run.Metrics.TryGetValue(name, out var m)) return "";
        var value = suffix switch { "min" => m.Min, "max" => m.Max, "best" => m.Best(name), _ => m.Last };
        return value.ToString("0.####", CultureInfo.InvariantCulture);
    }
}
