using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Components;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Recording;
using IBot.Pipeline.Specs;
using Microsoft.Extensions.DependencyInjection;

namespace IBot.Pipeline.Runs;

/// <summary>
/// The engine's worker for one run, what <c>ibot run</c> and the service's child processes both
/// call. <see cref="Prepare"/> checks everything before any work (the spec, the lineage database,
/// the weights of an evaluation-only run, <c>--reuse</c>) and makes the run folder;
/// <see cref="Execute"/> runs the spec's method on the components the registry builds, with the
/// heartbeat and cancel watch the service relies on, <c>run.log</c>, <c>metrics.jsonl</c>,
/// TensorBoard events, <c>evaluations.jsonl</c> and lineage, and always ends by recording how the
/// run ended and writing its <c>status</c> file.
/// </summary>
public sealed class RunWorker(ComponentCatalog catalog, IRuntimeInfo runtime, IServiceProvider? services = null)
{
    /// <summary>Validates and sets up a run. Throws <see cref="SpecException"/>, <see cref="Lineage.LineageStoreException"/>,
    /// <see cref="FileNotFoundException"/> or <see cref="DirectoryNotFoundException"/> for bad input; nothing has run then.</summary>
    public PreparedRun Prepare(RunRequest request)
    {
        var workspace = request.Workspace;
        RunLayout? layout = null;
        string specPath;
        if (request.Resume is { } resume)
        {
            var folder = Directory.Exists(resume) ? Path.GetFullPath(resume) : workspace.RunFolder(resume);
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"run '{resume}' not found in {workspace.Root}");
            layout = new RunLayout(folder);
            specPath = layout.Spec;
        }
        else specPath = request.Spec ?? throw new ArgumentException("give a spec to start a run, or a run to resume");

        var spec = new SpecValidator(catalog).Validate(specPath, request.Resume is null ? request.Overrides : []);
        var device = request.Device ?? runtime.DefaultDevice;
        // A lineage database that cannot be used stops the run before any work, and is left as it is.
        var store = request.Stores?.Lineage ?? LineageStores.Open(workspace);
        store.Verify();
        var datasets = DatasetFingerprints.Of(spec.Tree);
        string? weights = null, weightsSha = null;
        if (!spec.IsTraining)
        {
            weights = Weights(spec, workspace);
            weightsSha = FileHashes.Sha256(weights);
        }
        var reuseKey = spec.IsTraining ? ReuseKeys.Training(spec.Tree, datasets) : ReuseKeys.Evaluation(spec.Tree, datasets, weightsSha!);
        // Also the check that the lineage database is usable (not newer, not damaged) before any work.
        var earlier = store.FindReusable(reuseKey);
        if (request.Reuse && request.Resume is null && earlier is not null)
            return new PreparedRun
            {
                RunId = earlier.Id, Layout = new RunLayout(earlier.Folder ?? workspace.RunFolder(earlier.Id)), Spec = spec, Device = device,
                Datasets = datasets, ReuseKey = reuseKey, Reused = earlier, Store = store, Cluster = request.Cluster, Weights = weights, WeightsSha256 = weightsSha,
            };
        var isNew = layout is null;
        layout ??= new RunLayout(workspace.RunFolder(RunIds.New(spec.Spec.Name)));
        var run = new PreparedRun
        {
            RunId = layout.RunId, Layout = layout, Spec = spec, Device = device, Resume = request.Resume is not null,
            Weights = weights, WeightsSha256 = weightsSha, Datasets = datasets, ReuseKey = reuseKey, Store = store, Cluster = request.Cluster,
        };
        // The run's first lineage write comes before its folder: a store that fails it refuses the run with
        // nothing left behind (it throws the store's exception).
        // Advice on this device (a precision the CPU emulates, …): once, in the run's log and on standard error.
        foreach (var advice in spec.Advice(device)) run.Warnings.Report(advice);
        run = run with { Recorder = new RunRecorder(store, run.RunId, run.Warnings.Report) };
        Record(run, run.Recorder);
        if (isNew)
        {
            Directory.CreateDirectory(layout.Root);
            AtomicFile.WriteAllText(layout.Spec, spec.ToYaml());
        }
        return run;
    }

    /// <summary>Runs a prepared run to its end. Returns how it ended; rethrows what is not the method's
    /// own outcome (bad input found late, a crash) after recording it as failed.</summary>
    public RunOutcome Execute(PreparedRun run, RunDisplay? display, CancellationToken cancellationToken)
    {
        if (run.Reused is not null) throw new InvalidOperationException("a reused run is not executed");
        var layout = run.Layout;
        // Heartbeat for ibot serve, and a cancel request from ibot cancel, through the run folder.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var heartbeat = new RunHeartbeat(layout.Root, stop, run.Cluster is { } cluster ? () => cluster.BeatRun(run.RunId) : null);
        using var log = new RunLog(layout.Log, display?.Echo, display?.EchoSteps ?? true, display?.Warn);
        var recorder = run.Recorder ?? throw new InvalidOperationException("a run is executed after it is prepared");
        run.Warnings.Attach(log.Warning);
        RunOutcome? outcome = null;
        try
        {
            using var metrics = new MetricsSink(layout);
            var observers = new List<IRunObserver> { log, metrics, new LineageRunObserver(recorder, run.Resume ? layout.Checkpoint : null) };
            if (display?.Observer is { } shown) observers.Add(shown);
            var components = RunPlanner.Build(run.Spec, services ?? EmptyServices);
            try
            {
                var context = new RunContext
                {
                    Layout = layout, Name = run.Spec.Spec.Name, Seed = run.Spec.Spec.Seed, Device = run.Device, Resume = run.Resume,
                    SpecYaml = run.Spec.ToYaml(), Weights = run.Weights, Components = components,
                    Observer = new CompositeRunObserver([.. observers]), Cancellation = stop.Token,
                };
                outcome = components.Method.As<IRunMethod>().Run(context);
            }
            catch (OperationCanceledException)
            {
                // Stopped before the method could say where (while its components were built): still an
                // ending with a status, which ibot serve reads to requeue the run rather than count a crash.
                outcome = new RunOutcome(RunState.Cancelled, "cancelled before training started", File.Exists(layout.Checkpoint) ? layout.Checkpoint : null, new Dictionary<string, double>(), 0);
            }
            finally
            {
                RunPlanner.Dispose(components);
            }
            return outcome;
        }
        catch (Exception e)
        {
            outcome = new RunOutcome(RunState.Failed, e.Message, null, new Dictionary<string, double>(), 0);
            log.Message($"failed: {e.Message}");
            throw;
        }
        finally
        {
            if (outcome is not null)
            {
                recorder.Finish(outcome.Status, outcome.Reason);
                RunFiles.WriteStatus(layout, outcome.Status, outcome.Reason);
            }
        }
    }

    /// <summary>A new run's record, spec, data and input; a queued run (from ibot submit) now running. A resumed
    /// run keeps its record (a run from before lineage was kept gets one now).</summary>
    private void Record(PreparedRun run, RunRecorder recorder)
    {
        var existing = run.Resume ? run.Store.GetRun(run.RunId) : null;
        if (existing is null)
            recorder.Start(RunRecords.NewRun(run.RunId, run.Spec, run.Device.ToString(), run.Layout.Root, run.Datasets, run.ReuseKey, RunRecords.Environment(runtime)),
                RunRecords.Spec(run.Spec), run.Datasets, run.Weights is null ? null : RunRecorder.Input(run.Store, run.Weights, run.WeightsSha256!));
        else if (existing.Status is RunState.Queued or RunState.Interrupted)
            // Queued by ibot submit and started by ibot serve: its record exists, it is running now.
            recorder.Running(run.Device.ToString(), $"started on {run.Device}");
    }

    /// <summary>The file an evaluation-only spec's <c>backbone.weights</c> names: a file, or a run's checkpoint.</summary>
    public static string Weights(ResolvedSpec spec, Workspace workspace)
    {
        var weights = (spec.Backbone?.Options as IPretrainedWeights)?.Weights
            ?? throw new InvalidDataException($"{spec.SourcePath}: an evaluation-only spec needs backbone.weights");
        if (File.Exists(weights)) return weights;
        var checkpoint = new RunLayout(workspace.RunFolder(weights)).Checkpoint;
        return File.Exists(checkpoint) ? checkpoint
            : throw new FileNotFoundException($"backbone.weights '{weights}' is neither a file nor a run with a checkpoint in {workspace.Root}");
    }

    private static readonly IServiceProvider EmptyServices = new ServiceCollection().BuildServiceProvider();
}
