using IBot.Pipeline.Lineage;
using System.ComponentModel;
using System.Globalization;
using IBot.Cli.Output;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage.Graph;
using IBot.Pipeline.Documents;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot compare A B</c>: the spec keys that differ and every metric's last value side by side.</summary>
public sealed class CompareCommand(IAnsiConsole console) : Command<CompareCommand.Settings>
{
    public sealed class Settings : LineageSettings
    {
        [CommandArgument(0, "<A>")]
        [Description("First run id (or unique prefix).")]
        public string A { get; init; } = "";

        [CommandArgument(1, "<B>")]
        [Description("Second run id (or unique prefix).")]
        public string B { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var workspace = Workspace.Resolve(settings.Workspace);
        var store = LineageStores.Open(workspace);
        var diff = RunComparison.Of(RunDetails.FindRun(store, settings.A, workspace.LineageDatabase), RunDetails.FindRun(store, settings.B, workspace.LineageDatabase));
        if (settings.Json)
        {
            JsonOutput.Write(console, CompareDocument.Of(diff));
            return 0;
        }
        console.MarkupLineInterpolated($"A = {diff.A.Id} (spec {diff.A.SpecHash[..Math.Min(12, diff.A.SpecHash.Length)]})");
        console.MarkupLineInterpolated($"B = {diff.B.Id} (spec {diff.B.SpecHash[..Math.Min(12, diff.B.SpecHash.Length)]})");
        if (diff.Params.Count == 0) console.MarkupLine(diff.SameSpec ? "same spec" : "same params (the specs differ only in what is not a param)");
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("param", "A", "B");
            foreach (var p in diff.Params)
                table.AddRow(Markup.Escape(p.Key), p.A.IsMissing ? "[grey]-[/]" : Markup.Escape(p.A.Format()), p.B.IsMissing ? "[grey]-[/]" : Markup.Escape(p.B.Format()));
            console.Write(table);
        }
        if (diff.Metrics.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("metric (last)", "A", "B", "B - A");
            foreach (var m in diff.Metrics)
                table.AddRow(Markup.Escape(m.Name), F(m.A), F(m.B), m.Delta is { } d ? (d > 0 ? "+" : "") + F(d) : "");
            console.Write(table);
        }
        return 0;
    }

    private static string F(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "[grey]-[/]";
}
