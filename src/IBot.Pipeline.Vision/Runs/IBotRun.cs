using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Loading;
using IBot.Pipeline.Vision.Loss;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Train;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Runs;

/// <summary>
/// One iBOT training run from a <see cref="TrainingPlan"/>: student and teacher built from the
/// backbone and head specs, the reference step every iteration, metrics and checkpoints in the
/// run folder, evaluators at initialisation, every n epochs and at the end. Resumes exactly
/// from its checkpoint (weights, optimiser moments, centers, data position, schedules).
/// </summary>
public sealed class IBotRun(TrainingPlan plan, string runFolder, IRunObserver observer)
{
    public const string CheckpointFile = "checkpoint.safetensors";

    public string CheckpointPath => Path.Combine(runFolder, "checkpoints", CheckpointFile);

    /// <summary>Trains (or resumes), then redraws <c>figures/curves.png</c> from the metrics however the run ended.</summary>
    public RunOutcome Execute(bool resume, CancellationToken cancellationToken)
    {
        try
        {
            return Train(resume, cancellationToken);
        }
        finally
        {
            Reports.CurvesFigure.TryWrite(runFolder, observer.Message);
        }
    }

    private RunOutcome Train(bool resume, CancellationToken cancellationToken)
    {
        var s = plan.Settings;
        var device = plan.Device;
        using var session = new TrainingSession(plan, observer.Message);
        var (student, teacher, loss, optimizer, step, loader) = (session.Student, session.Teacher, session.Loss, session.Optimizer, session.Step, session.Loader);
        var ipe = session.IterationsPerEpoch;

        Directory.CreateDirectory(Path.GetDirectoryName(CheckpointPath)!);
        using var metricsFile = new StreamWriter(Path.Combine(runFolder, "metrics.jsonl"), append: true);
        // TensorBoard scalars next to metrics.jsonl (tensorboard --logdir runs/).
        var board = torch.utils.tensorboard.SummaryWriter(Path.Combine(runFolder, "tensorboard"), createRunName: false);
        var finalMetrics = new Dictionary<string, double>();
        var evalTransform = new EvalTransform(plan.Crops.Global.Size, plan.Crops.Global.Size);
        var features = new Dictionary<EvaluatedNetwork, BackboneFeatures>
        {
            [EvaluatedNetwork.Teacher] = new(teacher.Backbone, evalTransform, device),
            [EvaluatedNetwork.Student] = new(student.Backbone, evalTransform, device),
        };
        var headLogits = new Dictionary<EvaluatedNetwork, BackboneFeatures>
        {
            [EvaluatedNetwork.Teacher] = BackboneFeatures.HeadLogits(teacher, evalTransform, device),
            [EvaluatedNetwork.Student] = BackboneFeatures.HeadLogits(student, evalTransform, device),
        };
        var figures = Path.Combine(runFolder, "figures");
        var evaluations = new EvaluationLog(runFolder);
        int? savedEpoch = null; // the epoch whose state the checkpoint file holds

        void Record(object entry)
        {
            metricsFile.WriteLine(JsonSerializer.Serialize(entry));
            metricsFile.Flush();
        }

        void Evaluate(int epoch, bool final)
        {
            foreach (var f in features.Values.Concat(headLogits.Values)) f.Invalidate();
            foreach (var e in plan.Evaluators)
            {
                if (!final && epoch != 0 && (e.Every == 0 || epoch % e.Every != 0)) continue;
                if (plan.EvalTrain is null || plan.EvalTest is null) continue;
                var network = e.Network == EvaluatedNetwork.Teacher ? teacher : student;
                var context = new VisionEvaluationContext(features[e.Network], headLogits[e.Network], plan.EvalTrain, plan.EvalTest, epoch, figures, observer.Message,
                    network.Backbone, evalTransform, device);
                var watch = Stopwatch.StartNew();
                var metrics = e.Evaluator.EvaluateAsync(context, cancellationToken).GetAwaiter().GetResult();
                observer.Evaluated(e.Name, epoch, metrics);
                evaluations.Append(new EvaluationRecord(DateTime.UtcNow, Path.GetFileName(Path.GetFullPath(runFolder)), e.Name, e.Kind ?? e.Name,
                    EvaluationLog.OptionsJson(e.Options), e.Network, epoch,
                    savedEpoch == epoch && File.Exists(CheckpointPath) ? EvaluationLog.Describe(CheckpointPath, epoch) : null, metrics, watch.Elapsed.TotalSeconds));
                foreach (var (k, v) in metrics)
                {
                    var name = $"{e.Name}_{k}";
                    Record(new { type = "eval", epoch, name, value = v });
                    board.add_scalar($"eval/{name}", (float)v, epoch);
                    if (final) finalMetrics[name] = v;
                    else if (epoch == 0) finalMetrics[$"init_{name}"] = v;
                }
            }
        }

        var startEpoch = 0;
        var startBatch = 0;
        // The global iteration the checkpoint on disk holds, so a stop right after one does not write it again.
        var savedIteration = -1L;
        if (resume && File.Exists(CheckpointPath))
        {
            var position = TrainingCheckpoint.Load(CheckpointPath, student, teacher, optimizer, loss);
            startEpoch = position.Epoch;
            startBatch = (int)(position.Iteration - (long)position.Epoch * ipe);
            savedIteration = position.Iteration;
            // Only an end-of-epoch checkpoint holds the state an evaluation of that epoch measures.
            savedEpoch = startBatch == 0 ? position.Epoch : null;
            observer.Message(startBatch == 0 ? $"resumed from {CheckpointPath} after epoch {startEpoch}"
                : $"resumed from {CheckpointPath} in epoch {startEpoch + 1} after iteration {startBatch}");
        }
        observer.Started(s.Epochs, ipe, startEpoch, (long)startEpoch * ipe + startBatch);
        string? lastCheckpoint = File.Exists(CheckpointPath) ? CheckpointPath : null;
        // A stop request during an evaluation ends the run cancelled like one during an epoch (ibot
        // serve reads that from the status file and requeues the run instead of counting a crash).
        if (startEpoch == 0 && startBatch == 0)
        {
            try
            {
                Evaluate(0, final: false);
            }
            catch (OperationCanceledException)
            {
                return new RunOutcome(RunStatus.Cancelled, "cancelled before the first epoch, during the initial evaluation", lastCheckpoint, finalMetrics, 0);
            }
        }

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
                    manual_seed(plan.Seed * 1_000_003 + global);
                    using (var scope = NewDisposeScope())
                    {
                        using var batch = host.ToTensors(device, plan.Crops.Global.Count);
                        var schedule = session.Schedule(epoch, global);
                        using var parts = step.Run(batch, schedule);
                        nonFinite.logical_or_(parts.Total.isfinite().logical_not().reshape(1));
                        windowImages += host.Size;
                        if ((it + 1) % s.LogEvery == 0 || it == ipe - 1)
                        {
                            // The only host synchronisation of the loop: once per log interval.
                            if (nonFinite.item<bool>())
                                return Fail($"loss became non-finite at epoch {epoch}, iteration {it} (last {s.LogEvery} iterations); the last good checkpoint is kept", lastCheckpoint, finalMetrics, epoch);
                            var speed = windowImages / windowWatch.Elapsed.TotalSeconds;
                            var report = new StepReport(epoch, it, ipe, global, parts.Total.item<float>(), parts.Cls.item<float>(), parts.Patch.item<float>(),
                                schedule.LearningRate, schedule.WeightDecay, schedule.TeacherMomentum, speed);
                            observer.Step(report);
                            board.add_scalar("train/loss", (float)report.Loss, (int)global);
                            board.add_scalar("train/loss_cls", (float)report.LossCls, (int)global);
                            board.add_scalar("train/loss_patch", (float)report.LossPatch, (int)global);
                            board.add_scalar("train/lr", (float)report.Lr, (int)global);
                            board.add_scalar("train/images_per_second", (float)speed, (int)global);
                            Record(new { type = "step", epoch, iteration = global, iterations_per_epoch = ipe, loss = report.Loss, loss_cls = report.LossCls, loss_patch = report.LossPatch, lr = report.Lr, wd = report.WeightDecay, momentum = report.Momentum, images_per_second = speed });
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
                    TrainingCheckpoint.Save(CheckpointPath, student, teacher, optimizer, loss, new TrainingCheckpoint.Position(epoch, position), plan.SpecYaml);
                    lastCheckpoint = CheckpointPath;
                    observer.Message($"checkpoint in epoch {epoch + 1} after iteration {it} (stopped): {CheckpointPath}");
                }
                return new RunOutcome(RunStatus.Cancelled, $"cancelled during epoch {epoch + 1}", lastCheckpoint, finalMetrics, epoch);
            }
            catch (DataLoadException e)
            {
                return Fail(e.Message, lastCheckpoint, finalMetrics, epoch);
            }
            var seconds = epochWatch.Elapsed.TotalSeconds;
            observer.EpochEnded(epoch, seconds, ipe * s.BatchSize / seconds);
            Record(new { type = "epoch", epoch = epoch + 1, seconds, images_per_second = ipe * s.BatchSize / seconds });

            var done = epoch + 1;
            if (done == s.Epochs || (s.CheckpointEvery > 0 && done % s.CheckpointEvery == 0))
            {
                TrainingCheckpoint.Save(CheckpointPath, student, teacher, optimizer, loss, new TrainingCheckpoint.Position(done, (long)done * ipe), plan.SpecYaml);
                lastCheckpoint = CheckpointPath;
                savedEpoch = done;
                savedIteration = (long)done * ipe;
                observer.CheckpointSaved(CheckpointPath, done);
            }
            if (done < s.Epochs)
            {
                try
                {
                    Evaluate(done, final: false);
                }
                catch (OperationCanceledException)
                {
                    // The epoch's work is kept: a resume continues from its end.
                    if (savedIteration != (long)done * ipe)
                    {
                        TrainingCheckpoint.Save(CheckpointPath, student, teacher, optimizer, loss, new TrainingCheckpoint.Position(done, (long)done * ipe), plan.SpecYaml);
                        lastCheckpoint = CheckpointPath;
                        observer.Message($"checkpoint after epoch {done} (stopped during its evaluation): {CheckpointPath}");
                    }
                    return new RunOutcome(RunStatus.Cancelled, $"cancelled after epoch {done}, during its evaluation", lastCheckpoint, finalMetrics, done);
                }
            }
        }
        try
        {
            Evaluate(s.Epochs, final: true);
        }
        catch (OperationCanceledException)
        {
            // Training is done and checkpointed; a resume runs the final evaluation again.
            return new RunOutcome(RunStatus.Cancelled, "cancelled during the final evaluation", lastCheckpoint, finalMetrics, s.Epochs);
        }
        return new RunOutcome(RunStatus.Completed, null, lastCheckpoint, finalMetrics, s.Epochs);
    }

    private static RunOutcome Fail(string reason, string? checkpoint, Dictionary<string, double> metrics, int epoch) =>
        new(RunStatus.Failed, reason, checkpoint, metrics, epoch);
}
