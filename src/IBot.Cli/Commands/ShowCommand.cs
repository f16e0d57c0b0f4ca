using System.ComponentModel;
using System.Globalization;
using IBot.Cli.Output;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Documents;
using IBot.Pipeline.Lineage.Graph;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot show RUN</c>: one run in full.</summary>
public sealed class ShowCommand(IAnsiConsole console) : Command<ShowCommand.Settings>
{
    public sealed class Settings : LineageSettings
    {
        [CommandArgument(0, "<RUN>")]
        [Description("Run id (or a unique prefix of it).")]
        public string Run { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var workspace = Workspace.Resolve(settings.Workspace);
        var store = LineageStores.Open(workspace);
        var details = RunDetails.Load(store, RunDetails.FindRun(store, settings.Run, workspace.LineageDatabase));
        if (settings.Json)
        {
            JsonOutput.Write(console, RunDetailsDocument.Of(details));
            return 0;
        }
        var (run, datasets, produced, evaluations, resumedFrom) = details;
        var facts = new Table().Border(TableBorder.Rounded).AddColumns("run", Markup.Escape(run.Id));
        void Fact(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) facts.AddRow(Markup.Escape(key), Markup.Escape(value));
        }
        Fact("name", run.Name);
        Fact("kind", run.Kind.ToString().ToLowerInvariant());
        facts.AddRow("status", RunsCommand.Status(run.Status) + (run.Reason is null ? "" : " - " + Markup.Escape(run.Reason)));
        Fact("created", run.Created.ToString("u", CultureInfo.InvariantCulture));
        Fact("updated", run.Updated.ToString("u", CultureInfo.InvariantCulture));
        Fact("spec", run.SpecHash);
        Fact("sweep", run.Sweep);
        Fact("device", run.Device);
        Fact("folder", run.Folder);
        if (run.Environment is { } e)
            Fact("environment", $"{e.Machine}; {e.Os}; {e.DotNet}; TorchSharp {e.TorchSharp}; libtorch {e.LibTorch}; ibot {e.Ibot}{(e.SourceRevision is null ? "" : " @ " + e.SourceRevision)}");
        foreach (var d in datasets) Fact($"data {d.Role}", $"{d.Description} ({d.Id})");
        foreach (var r in resumedFrom) Fact("resumed from", r);
        console.Write(facts);

        var history = new Table().Border(TableBorder.Rounded).AddColumns("status", "at", "reason");
        foreach (var h in run.History) history.AddRow(RunsCommand.Status(h.Status), h.At.ToString("u", CultureInfo.InvariantCulture), Markup.Escape(h.Reason ?? ""));
        console.Write(history);

        // Metric and param names never wrap (an 80-column terminal broke knn_top1_k1 in two): other columns give way.
        if (run.Metrics.Count > 0)
        {
            // Short headers: with a 22-character name the table still fits 80 columns without wrapping a number.
            var metrics = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("metric").NoWrap()).AddColumns("last", "min", "max", "best", "n", "epoch");
            foreach (var (name, m) in run.Metrics)
                metrics.AddRow(Markup.Escape(name), F(m.Last), F(m.Min), F(m.Max), F(m.Best(name)), m.Count.ToString(CultureInfo.InvariantCulture), m.LastEpoch.ToString(CultureInfo.InvariantCulture));
            console.Write(metrics);
        }
        if (produced.Count > 0)
        {
            var artifacts = new Table().Border(TableBorder.Rounded).AddColumns("artifact", "epoch", "what");
            foreach (var a in produced) artifacts.AddRow(Markup.Escape(a.Id), a.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "", Markup.Escape($"{a.Kind} {a.Path} ({a.Size:N0} bytes)"));
            console.Write(artifacts);
        }
        if (evaluations.Count > 0)
        {
            // One row per metric, the evaluation named on its first: a list of metrics in one cell wrapped mid-name.
            var table = new Table().Border(TableBorder.Rounded).AddColumns("evaluation", "epoch").AddColumn(new TableColumn("metric").NoWrap()).AddColumn("value");
            foreach (var v in evaluations)
            {
                var first = true;
                foreach (var (name, value) in v.Metrics)
                {
                    table.AddRow(first ? Markup.Escape(v.Id) + (v.Artifact is null ? "" : $" [grey]of {Markup.Escape(v.Artifact)}[/]") : "",
                        first ? v.Epoch.ToString(CultureInfo.InvariantCulture) : "", Markup.Escape(name), F(value));
                    first = false;
                }
            }
            console.Write(table);
        }
        var parameters = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("param").NoWrap()).AddColumn("value");
        foreach (var (key, value) in run.Params) parameters.AddRow(Markup.Escape(key), Markup.Escape(value.Format()));
        console.Write(parameters);
        return 0;
    }

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
