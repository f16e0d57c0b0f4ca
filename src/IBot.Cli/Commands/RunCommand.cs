using IBot.Cli.Infrastructure;
using System.ComponentModel;
using System.Globalization;
using IBot.Cli.Output;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot run</c>: the engine's run worker in the foreground, with progress; <c>--resume</c> continues a run.</summary>
public sealed class RunCommand(IAnsiConsole console, ErrorConsole errors, RunWorker worker) : Command<RunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[SPEC]")]
        [Description("Experiment spec (YAML). Omit with --resume.")]
        public string? Spec { get; init; }

        [CommandOption("--set <PATH=VALUE>")]
        [Description("Override a key (repeatable).")]
        public string[] Set { get; init; } = [];

        [CommandOption("--device <DEVICE>")]
        [Description("cpu, cuda or cuda:N (default: cuda:0 when available, else cpu).")]
        public string? Device { get; init; }

        [CommandOption("--workspace <DIR>")]
        [Description("Workspace (default: $IBOT_WORKSPACE, else ./runs).")]
        public string? Workspace { get; init; }

        [CommandOption(StoreOption.Template)]
        [Description(StoreOption.Description)]
        public string? Store { get; init; }

        [CommandOption("--resume <RUN>")]
        [Description("Continue a run (its id or folder) from its last checkpoint, with its saved spec.")]
        public string? Resume { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON object at the end: run id, status, final metrics.")]
        public bool Json { get; init; }

        [CommandOption("--reuse")]
        [Description("Skip the work when a completed run had the same canonical inputs (spec sections, data, input weights); print its results.")]
        public bool Reuse { get; init; }

        public override ValidationResult Validate() =>
            Spec is null == Resume is null ? ValidationResult.Error("give a SPEC to start a run, or --resume RUN to continue one")
            : Device is not null && !DeviceSpec.TryParse(Device, out _) ? ValidationResult.Error($"'{Device}' is not a device; expected cpu, cuda or cuda:N")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Bad input (spec errors, a database that cannot be used) ends the command through CliApp, before any work.
        var stores = CliStores.Open(settings.Workspace, settings.Store);
        var run = worker.Prepare(new RunRequest
        {
            Spec = settings.Spec, Overrides = settings.Set, Resume = settings.Resume, Reuse = settings.Reuse,
            Device = settings.Device is { } d ? DeviceSpec.Parse(d) : null, Workspace = stores.Workspace, Stores = stores,
        });
        if (run.Reused is { } earlier) return Reused(settings, earlier);

        if (!settings.Json)
            Say($"[bold]{run.RunId}[/] on {run.Device}: {run.Spec.Spec.Name} ({run.Spec.Hash[..12]}) -> {run.Layout.Root}");
        // A live progress bar on terminals; plain log lines when piped or in CI.
        var interactive = console.Profile.Capabilities.Interactive && !settings.Json;
        var bar = new ProgressBarObserver();
        var display = new RunDisplay(settings.Json ? null : Echo, EchoSteps: !interactive, interactive ? bar : null, errors.Warning);
        var outcome = interactive
            ? console.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    bar.Attach(ctx.AddTask("starting", maxValue: 1));
                    return worker.Execute(run, display, cancellationToken);
                })
            : worker.Execute(run, display, cancellationToken);
        return Report(settings, run, outcome);
    }

    /// <summary>A line with markup on a terminal; plain and unwrapped when piped (logs and scripts read whole lines).</summary>
    private void Say(FormattableString markup)
    {
        if (console.Profile.Capabilities.Interactive) console.MarkupLineInterpolated(markup);
        else JsonOutput.Line(console, Markup.Remove(string.Format(CultureInfo.InvariantCulture, markup.Format,
            markup.GetArguments().Select(a => (object)Markup.Escape(Convert.ToString(a, CultureInfo.InvariantCulture) ?? "")).ToArray())));
    }

    /// <summary>A line above the progress display (or plain, when there is none).</summary>
    private void Echo(string line)
    {
        if (console.Profile.Capabilities.Interactive) console.WriteLine(line);
        else JsonOutput.Line(console, line);
    }

    /// <summary>--reuse found a completed run with the same canonical inputs: its results, nothing run.</summary>
    private int Reused(Settings settings, RunRecord earlier)
    {
        var metrics = earlier.Metrics.ToDictionary(m => m.Key, m => m.Value.Last);
        if (settings.Json)
            JsonOutput.Write(console, new { RunId = earlier.Id, Status = "completed", Reused = true, Folder = earlier.Folder, Metrics = metrics });
        else
        {
            Say($"[green]reused {earlier.Id}[/]: a completed run with the same canonical inputs (spec sections, data, input weights); nothing was run");
            foreach (var (name, value) in metrics.Where(m => !m.Key.StartsWith("loss", StringComparison.Ordinal) && m.Key is not ("lr" or "images_per_second")).OrderBy(m => m.Key, StringComparer.Ordinal))
                Say($"  {name} = {value.ToString("F2", CultureInfo.InvariantCulture)}");
        }
        return 0;
    }

    private int Report(Settings settings, PreparedRun run, RunOutcome outcome)
    {
        var status = outcome.Status.ToString().ToLowerInvariant();
        if (settings.Json)
            JsonOutput.Write(console, new { RunId = run.RunId, Status = status, outcome.Reason, Folder = run.Layout.Root, outcome.LastCheckpoint, outcome.Metrics });
        else
        {
            var color = outcome.Status == RunState.Completed ? "green" : "red";
            Say($"[{color}]{run.RunId}: {status}[/]{(outcome.Reason is null ? "" : " - " + outcome.Reason)}");
            foreach (var (name, value) in outcome.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
                Say($"  {name} = {value.ToString("F2", CultureInfo.InvariantCulture)}");
        }
        return outcome.Status == RunState.Completed ? 0 : 1;
    }
}
