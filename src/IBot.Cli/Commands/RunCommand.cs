using System.ComponentModel;
using System.Globalization;
using IBot.Cli.Infrastructure;
using IBot.Cli.Lineage;
using IBot.Cli.Output;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Components;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Recording;
using IBot.Pipeline.Specs;
using IBot.Pipeline.Vision.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot run</c>: plan and train in the foreground, with progress; <c>--resume</c> continues a run.</summary>
public sealed class RunCommand(IAnsiConsole console, ErrorConsole errors, ComponentCatalog catalog) : Command<RunCommand.Settings>
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
        var workspace = Workspace.Resolve(settings.Workspace);
        string runFolder, runId, specPath;
        if (settings.Resume is { } resume)
        {
            runFolder = Directory.Exists(resume) ? Path.GetFullPath(resume) : workspace.RunFolder(resume);
            if (!Directory.Exists(runFolder)) throw new DirectoryNotFoundException($"run '{resume}' not found in {workspace.Root}");
            runId = Path.GetFileName(runFolder);
            specPath = Path.Combine(runFolder, "spec.yaml");
        }
        else
        {
            specPath = settings.Spec!;
            runId = null!;
            runFolder = null!;
        }

        // Spec errors end the command through CliApp: one line each on stderr, JSON with --json.
        var spec = new SpecValidator(catalog).Validate(specPath, settings.Resume is null ? settings.Set : []);
        var device = settings.Device is { } d ? DeviceSpec.Parse(d)
            : TorchSharp.torch.cuda.is_available() ? DeviceSpec.Cuda(0) : DeviceSpec.Cpu;
        // A lineage database that cannot be used stops the run before any work, and is left as it is.
        var store = RunLineage.Open(workspace);
        store.Verify();
        var datasets = DatasetFingerprints.Of(spec.Tree);
        string? weights = null, weightsSha = null;
        if (!spec.IsTraining)
        {
            weights = PlanBuilder.Weights(spec, workspace);
            weightsSha = FileHashes.Sha256(weights);
        }
        var reuseKey = spec.IsTraining ? ReuseKeys.Training(spec.Tree, datasets) : ReuseKeys.Evaluation(spec.Tree, datasets, weightsSha!);
        var earlier = store.FindReusable(reuseKey);
        if (settings.Reuse && settings.Resume is null && earlier is not null)
            return Reused(settings, earlier);

        if (settings.Resume is null)
        {
            runId = RunIds.New(spec.Spec.Name);
            runFolder = workspace.RunFolder(runId);
        }
        ConsoleRunObserver? consoleObserver = null;
        var recorder = new RunRecorder(store, runId, warning => consoleObserver?.Warning(warning));
        // The run's first lineage write comes before its folder: a store that fails it refuses the run
        // with nothing left behind. A resumed run keeps its record (a run from before lineage was kept gets one now).
        var existing = settings.Resume is null ? null : store.GetRun(runId);
        if (existing is null)
            recorder.Start(RunLineage.NewRun(runId, spec, device.ToString(), runFolder, datasets, reuseKey), RunLineage.Spec(spec), datasets,
                weights is null ? null : RunRecorder.Input(store, weights, weightsSha!));
        else if (existing.Status is RunState.Queued or RunState.Interrupted)
            // Queued by ibot submit and started by ibot serve: its record exists, it is running now.
            recorder.Running(device.ToString(), $"started on {device}");
        if (settings.Resume is null)
        {
            Directory.CreateDirectory(runFolder);
            AtomicFile.WriteAllText(Path.Combine(runFolder, "spec.yaml"), spec.ToYaml());
        }

        // Heartbeat for ibot serve, and a cancel request from ibot cancel, through the run folder.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var heartbeat = new RunHeartbeat(runFolder, stop);
        cancellationToken = stop.Token;
        using var log = new StreamWriter(Path.Combine(runFolder, "run.log"), append: true);
        consoleObserver = new ConsoleRunObserver(console, log, quiet: settings.Json, errors: errors);
        var observer = new CompositeRunObserver(consoleObserver,
            new LineageRunObserver(recorder, settings.Resume is null ? null : Path.Combine(runFolder, "checkpoints", IBotRun.CheckpointFile)));
        if (!settings.Json) console.MarkupLineInterpolated($"[bold]{runId}[/] on {device}: {spec.Spec.Name} ({spec.Hash[..12]}) -> {runFolder}");
        RunOutcome outcome;
        try
        {
            outcome = spec.IsTraining ? Train(settings, spec, device, runFolder, observer, consoleObserver, cancellationToken)
                : PlanBuilder.BuildEvaluation(spec, device, workspace, runFolder, observer).Execute(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopped before the trainer could say where (while the plan was built): still an ending
            // with a status, which ibot serve reads to requeue the run rather than count a crash.
            outcome = new RunOutcome(RunStatus.Cancelled, "cancelled before training started", null, new Dictionary<string, double>(), 0);
        }
        catch (Exception e)
        {
            recorder.Finish(RunState.Failed, e.Message);
            throw;
        }
        recorder.Finish(RunLineage.State(outcome.Status), outcome.Reason);
        return Report(settings, runId, runFolder, outcome);
    }

    private RunOutcome Train(Settings settings, ResolvedSpec spec, DeviceSpec device, string runFolder, IRunObserver observer, ConsoleRunObserver consoleObserver, CancellationToken cancellationToken)
    {
        var plan = PlanBuilder.Build(spec, device);
        var run = new IBotRun(plan, runFolder, observer);
        var resuming = settings.Resume is not null;
        // A live progress bar on terminals; plain log lines when piped or in CI.
        return console.Profile.Capabilities.Interactive && !settings.Json
            ? console.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    consoleObserver.Attach(ctx.AddTask("starting", maxValue: 1));
                    return run.Execute(resuming, cancellationToken);
                })
            : run.Execute(resuming, cancellationToken);
    }

    /// <summary>--reuse found a completed run with the same canonical inputs: its results, nothing run.</summary>
    private int Reused(Settings settings, RunRecord earlier)
    {
        var metrics = earlier.Metrics.ToDictionary(m => m.Key, m => m.Value.Last);
        if (settings.Json)
            JsonOutput.Write(console, new { RunId = earlier.Id, Status = "completed", Reused = true, Folder = earlier.Folder, Metrics = metrics });
        else
        {
            console.MarkupLineInterpolated($"[green]reused {earlier.Id}[/]: a completed run with the same canonical inputs (spec sections, data, input weights); nothing was run");
            foreach (var (name, value) in metrics.Where(m => !m.Key.StartsWith("loss", StringComparison.Ordinal) && m.Key is not ("lr" or "images_per_second")).OrderBy(m => m.Key, StringComparer.Ordinal))
                console.MarkupLineInterpolated($"  {name} = {value.ToString("F2", CultureInfo.InvariantCulture)}");
        }
        return 0;
    }

    private int Report(Settings settings, string runId, string runFolder, RunOutcome outcome)
    {
        var status = outcome.Status.ToString().ToLowerInvariant();
        File.WriteAllText(Path.Combine(runFolder, "status"), status + (outcome.Reason is null ? "" : ": " + outcome.Reason) + "\n");
        if (settings.Json)
            JsonOutput.Write(console, new { RunId = runId, Status = status, outcome.Reason, Folder = runFolder, outcome.LastCheckpoint, outcome.Metrics });
        else
        {
            var color = outcome.Status == RunStatus.Completed ? "green" : "red";
            console.MarkupLineInterpolated($"[{color}]{runId}: {status}[/]{(outcome.Reason is null ? "" : " - " + outcome.Reason)}");
            foreach (var (name, value) in outcome.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
                console.MarkupLineInterpolated($"  {name} = {value.ToString("F2", CultureInfo.InvariantCulture)}");
        }
        return outcome.Status == RunStatus.Completed ? 0 : 1;
    }

}
