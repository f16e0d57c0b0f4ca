using System.Diagnostics;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Loading;
using IBot.Pipeline.Vision.Runs;
using IBot.Pipeline.Vision.Train;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Methods;

/// <summary>
/// The <c>ibot</c> method: the paper's student–teacher training. Builds student and teacher from
/// the backbone and head components, the loss from the objectives, runs the reference step every
/// iteration, checkpoints, and evaluates at initialisation, every n epochs and at the end.
/// Resumes exactly from its checkpoint (weights, optimiser moments, objective state, data
/// position, schedules). Everything it measures goes to the engine through the run's observer.
/// </summary>
public sealed class IBotMethod(IBotMethodOptions options) : IRunMethod, ITrainingBenchmark
{
    public IBotMethodOptions Options { get; } = options;

    /// <summary>Trains (or resumes), then redraws <c>figures/curves.png</c> from the metrics however the run ended.</summary>
    public RunOutcome Run(RunContext context)
    {
        try
        {
            return Train(context);
        }
        finally
        {
            Reports.CurvesFigure.TryWrite(context.Layout.Root, context.Observer.Message);
        }
    }

    public SpecTrainBenchmarkResult Benchmark(RunContext context, int steps, int warmup) => Benchmarks.SpecTrainBenchmark.Run(this, context, steps, warmup);

    private RunOutcome Train(RunContext context)
    {
        var s = Options;
        var device = TorchDevices.Of(context.Device);
        var observer = context.Observer;
        var cancellationToken = context.Cancellation;
        var layout = context.Layout;
        var checkpointPath = layout.Checkpoint;
        using var session = new IBotSession(context.Components, s, context.Seed, device, observer.Message);
        var (student, teacher, step, loader) = (session.Student, session.Teacher, session.Step, session.Loader);
        var ipe = session.IterationsPerEpoch;

        Directory.CreateDirectory(layout.CheckpointsFolder);
        var finalMetrics = new Dictionary<string, double>();
        var evaluation = new TrainingEvaluations(context, session, device);
        int? savedEpoch = null; // the epoch whose state the checkpoint file holds

        void Evaluate(int epoch, bool final) =>
            evaluation.Run(epoch, final, savedEpoch == epoch && File.Exists(checkpointPath) ? checkpointPath : null, finalMetrics);

        var startEpoch = 0;
        var startBatch = 0;
        // The global iteration the checkpoint on disk holds, so a stop right after one does not write it again.
        var savedIteration = -1L;
        if (context.Resume && File.Exists(checkpointPath))
        {
            var position = TrainingCheckpoint.Load(checkpointPath, student, teacher, session.Optimizer, session.Objectives, session.Step.Scaler);
            startEpoch = position.Epoch;
            startBatch = (int)(position.Iteration - (long)position.Epoch * ipe);
            savedIteration = position.Iteration;
            // Only an end-of-epoch checkpoint holds the state an evaluation of that epoch measures.
            savedEpoch = startBatch == 0 ? position.Epoch : null;
            observer.Message(startBatch == 0 ? $"resumed from {checkpointPath} after epoch {startEpoch}"
                : $"resumed from {checkpointPath} in epoch {startEpoch + 1} after iteration {startBatch}");
        }
        observer.Started(s.Epochs, ipe, startEpoch, (long)startEpoch * ipe + startBatch);
        string? lastCheckpoint = File.Exists(checkpointPath) ? checkpointPath : null;
        // A stop request during an evaluation ends the run cancelled like one during an epoch (ibot
        // serve reads that from the status file and requeues the run instead of counting a crash).
        try
        {
            if (startEpoch == 0 && startBatch == 0) Evaluate(0, final: false);
        }
        catch (OperationCanceledException)
        {
            return new RunOutcome(RunState.Cancelled, "cancelled before the first epoch, during the initial evaluation", lastCheckpoint, finalMetrics, 0);
        }

        void Save(int epoch, long iteration) =>
            TrainingCheckpoint.Save(checkpointPath, student, teacher, session.Optimizer, session.Objectives, new TrainingCheckpoint.Position(epoch, iteration), context.SpecYaml, session.Step.Scaler);

        var reportedSkips = 0L;
        for (var epoch = startEpoch; epoch < s.Epochs; epoch++)
        {
            student.train();
            var epochWatch = Stopwatch.StartNew();
            var windowWatch = Stopwatch.StartNew();
            var windowImages = 0;
            using var nonFinite = zeros(1, dtype: ScalarType.Bool, device: device);
            var it = epoch == startEpoch ? startBatch : 0;
            try
            {
                foreach (var host in loader.Epoch(epoch, it, cancellationToken))
                {
                    // The loader hands out batches it already built even after a stop request.
                    cancellationToken.ThrowIfCancellationRequested();
                    var global = (long)epoch * ipe + it;
                    // Stochastic depth draws from torch's generator: seeded per iteration so a run
                    // resumed mid-epoch replays it.
                    manual_seed(context.Seed * 1_000_003 + global);
                    using (var scope = NewDisposeScope())
                    {
                        using var batch = host.ToTensors(device, session.Crops.GlobalCount);
                        var schedule = session.Schedule(epoch, global);
                        using var losses = step.Run(batch, schedule);
                        nonFinite.logical_or_(losses.Total.isfinite().logical_not().reshape(1));
                        windowImages += host.Size;
                        if ((it + 1) % s.LogEvery == 0 || it == ipe - 1)
                        {
                            // The only host synchronisation of the loop: once per log interval.
                            if (nonFinite.item<bool>())
                                return Fail($"loss became non-finite at epoch {epoch}, iteration {it} (last {s.LogEvery} iterations); the last good checkpoint is kept", lastCheckpoint, finalMetrics, epoch);
                            var speed = windowImages / windowWatch.Elapsed.TotalSeconds;
                            observer.Step(new StepReport(epoch, it, ipe, global, losses.Read(),
                                schedule.LearningRate, schedule.WeightDecay, schedule.TeacherMomentum, speed));
                            if (step.Scaler is { SkippedSteps: var skipped } scaler && skipped != reportedSkips)
                            {
                                // GradScaler skips steps whose fp16 gradients overflowed (a few at the start are normal).
                                observer.Message($"fp16: {skipped} step{(skipped == 1 ? "" : "s")} skipped for inf/NaN gradients so far; loss scale now {scaler.Scale:R}");
                                reportedSkips = skipped;
                            }
                            windowWatch.Restart();
                            windowImages = 0;
                        }
                    }
                    it++;
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped (ibot cancel, or ibot serve shutting down): keep the work done so far. The
                // checkpoint holds the position inside the epoch, and the loader and the per-iteration
                // seed let a resume continue exactly from there.
                var position = (long)epoch * ipe + it;
                if (position != savedIteration && !nonFinite.item<bool>())
                {
                    Save(epoch, position);
                    lastCheckpoint = checkpointPath;
                    observer.Message($"checkpoint in epoch {epoch + 1} after iteration {it} (stopped): {checkpointPath}");
                }
                return new RunOutcome(RunState.Cancelled, $"cancelled during epoch {epoch + 1}", lastCheckpoint, finalMetrics, epoch);
            }
            catch (DataLoadException e)
            {
                return Fail(e.Message, lastCheckpoint, finalMetrics, epoch);
            }
            var seconds = epochWatch.Elapsed.TotalSeconds;
            observer.EpochEnded(epoch, seconds, ipe * s.BatchSize / seconds);

            var done = epoch + 1;
            if (done == s.Epochs || (s.CheckpointEvery > 0 && done % s.CheckpointEvery == 0))
            {
                Save(done, (long)done * ipe);
                lastCheckpoint = checkpointPath;
                savedEpoch = done;
                savedIteration = (long)done * ipe;
                observer.CheckpointSaved(checkpointPath, done);
            }
            try
            {
                if (done < s.Epochs) Evaluate(done, final: false);
            }
            catch (OperationCanceledException)
            {
                // The epoch's work is kept: a resume continues from its end.
                if (savedIteration != (long)done * ipe)
                {
                    Save(done, (long)done * ipe);
                    lastCheckpoint = checkpointPath;
                    observer.Message($"checkpoint after epoch {done} (stopped during its evaluation): {checkpointPath}");
                }
                return new RunOutcome(RunState.Cancelled, $"cancelled after epoch {done}, during its evaluation", lastCheckpoint, finalMetrics, done);
            }
        }
        try
        {
            Evaluate(s.Epochs, final: true);
        }
        catch (OperationCanceledException)
        {
            // Training is done and checkpointed; a resume runs the final evaluation again.
            return new RunOutcome(RunState.Cancelled, "cancelled during the final evaluation", lastCheckpoint, finalMetrics, s.Epochs);
        }
        return new RunOutcome(RunState.Completed, null, lastCheckpoint, finalMetrics, s.Epochs);
    }

    private static RunOutcome Fail(string reason, string? checkpoint, Dictionary<string, double> metrics, int epoch) =>
        new(RunState.Failed, reason, checkpoint, metrics, epoch);
}
