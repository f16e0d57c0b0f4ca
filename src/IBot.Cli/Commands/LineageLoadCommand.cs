using IBot.Cli.Infrastructure;
using IBot.Pipeline.Lineage;
using System.ComponentModel;
using IBot.Cli.Output;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Recording;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary>
/// Hidden <c>ibot lineage-load</c>: writes runs the way <c>ibot run</c> does, one small batch per
/// event (start, metrics, finish), so tests can start several real processes against one
/// database and check that nothing is lost.
/// </summary>
public sealed class LineageLoadCommand(IAnsiConsole console) : Command<LineageLoadCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--workspace <DIR>")]
        public string? Workspace { get; init; }

        [CommandOption(StoreOption.Template)]
        [Description(StoreOption.Description)]
        public string? Store { get; init; }

        [CommandOption("--runs <N>")]
        [DefaultValue(100)]
        public int Runs { get; init; } = 100;

        [CommandOption("--prefix <TEXT>")]
        [DefaultValue("load")]
        public string Prefix { get; init; } = "load";

        [CommandOption("--ready <FILE>")]
        [Description("Create FILE once the store is open, then wait for --go.")]
        public string? Ready { get; init; }

        [CommandOption("--go <FILE>")]
        [Description("Start writing only when FILE exists (lines writers up).")]
        public string? Go { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var store = CliStores.Open(settings.Workspace, settings.Store).Lineage;
        // Process start-up takes longer than the writes: a start line makes the writers overlap.
        if (settings.Ready is { } ready) File.WriteAllText(ready, "");
        while (settings.Go is { } go && !File.Exists(go))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Thread.Sleep(5);
        }
        var warnings = 0;
        var started = DateTime.UtcNow;
        var spec = new SpecRecord(SpecRecord.IdOf(settings.Prefix), settings.Prefix, settings.Prefix, $"name: {settings.Prefix}\n", DateTime.UtcNow);
        for (var i = 0; i < settings.Runs; i++)
        {
            var id = $"{settings.Prefix}-{i:D5}";
            var now = DateTime.UtcNow;
            var recorder = new RunRecorder(store, id, _ => warnings++);
            var run = new RunRecord
            {
                Id = id, Name = settings.Prefix, SpecHash = settings.Prefix, Status = RunState.Running, Created = now, Updated = now,
                History = [new StatusChange(id, RunState.Running, now)],
            };
            run.Params["index"] = LineageValue.Of(i);
            recorder.Start(run, spec, []);
            recorder.Evaluation("knn", 1, 1, new Dictionary<string, double> { ["top1"] = i });
            recorder.Finish(RunState.Completed, null);
        }
        // The write window, so a test can check that two writers really were at work at once.
        JsonOutput.Write(console, new { Written = settings.Runs, Warnings = warnings, StartedTicks = started.Ticks, FinishedTicks = DateTime.UtcNow.Ticks });
        return warnings == 0 ? 0 : 1;
    }
}
