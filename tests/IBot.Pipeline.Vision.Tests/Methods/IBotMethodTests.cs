using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Methods;

namespace IBot.Pipeline.Vision.Tests.Methods;

/// <summary>The ibot method on tiny components: training, checkpoints, exact resume, divergence.</summary>
public sealed class IBotMethodTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("ibot-run-").FullName;

    private RunOutcome Run(string name, IRunObserver observer, bool resume = false, double lr = 5e-4, int epochs = 2, CancellationToken cancellation = default,
        Precision precision = Precision.Fp32)
    {
        var (method, components) = TinyRuns.Components(lr, epochs, precision: precision);
        return method.Run(new RunContext
        {
            Layout = new RunLayout(Path.Combine(root, name)), Name = "tiny", Seed = 3, Device = DeviceSpec.Cpu, Resume = resume,
            SpecYaml = "name: tiny\n", Components = components, Observer = observer, Cancellation = cancellation,
        });
    }

    private sealed class Recorder(Action<Recorder, string, int>? onCheckpoint = null, Action<StepReport>? onStep = null) : IRunObserver
    {
        public List<StepReport> Steps { get; } = [];
        public List<EvaluationReport> Evaluations { get; } = [];
        public void Started(int epochs, int iterationsPerEpoch, int startEpoch, long startIteration) { }
        public void Step(StepReport report)
        {
            Steps.Add(report);
            onStep?.Invoke(report);
        }
        public void EpochEnded(int epoch, double seconds, double imagesPerSecond) { }
        public void Evaluated(EvaluationReport report) => Evaluations.Add(report);
        public void CheckpointSaved(string path, int epoch) => onCheckpoint?.Invoke(this, path, epoch);
        public void Message(string text) { }
    }

    private static double Patch(StepReport r) => r.Losses.Single(l => l.Key == "loss_ibot_loss_patch").Value;

    [Fact]
    public void Runs_end_to_end_with_knn_metrics_and_a_checkpoint()
    {
        var recorder = new Recorder();
        var outcome = Run("full", recorder);

        Assert.Equal(RunState.Completed, outcome.Status);
        Assert.True(File.Exists(outcome.LastCheckpoint));
        Assert.Equal(8, recorder.Steps.Count); // 2 epochs x 4 iterations, logged every iteration
        Assert.Contains("knn_top1", outcome.Metrics.Keys);
        Assert.Contains("init_knn_top1", outcome.Metrics.Keys);
        Assert.Equal([0, 2], recorder.Evaluations.Select(e => e.Epoch));
        // The final evaluation measured the checkpoint saved after the last epoch; the first, no file.
        Assert.Equal((null, (string?)null), (recorder.Evaluations[0].WeightsEpoch, recorder.Evaluations[0].WeightsFile));
        Assert.Equal((2, outcome.LastCheckpoint), (recorder.Evaluations[1].WeightsEpoch, recorder.Evaluations[1].WeightsFile));
        Assert.All(recorder.Steps, s => Assert.Equal(["loss", "loss_ibot_loss", "loss_ibot_loss_cls", "loss_ibot_loss_patch"], s.Losses.Select(l => l.Key)));
        Assert.All(recorder.Steps, s => Assert.True(double.IsFinite(s.Loss) && s.Loss > 0));
        // With weight 1 the term is the total, and its parts add up to it.
        Assert.All(recorder.Steps, s => Assert.Equal(s.Loss, s.Losses[1].Value, 1e-6));
        Assert.All(recorder.Steps, s => Assert.Equal(s.Loss, s.Losses[2].Value + s.Losses[3].Value, 1e-4));
    }

    [Fact]
    public void An_interrupted_run_resumed_from_its_checkpoint_repeats_the_same_losses()
    {
        var uninterrupted = new Recorder();
        Assert.Equal(RunState.Completed, Run("a", uninterrupted).Status);

        // Stop right after the epoch-1 checkpoint, then resume in the same folder.
        using var stop = new CancellationTokenSource();
        var first = new Recorder((_, _, epoch) => { if (epoch == 1) stop.Cancel(); });
        var interrupted = Run("b", first, cancellation: stop.Token);
        Assert.Equal(RunState.Cancelled, interrupted.Status);
        var second = new Recorder();
        var resumed = Run("b", second, resume: true);
        Assert.Equal(RunState.Completed, resumed.Status);

        var expected = uninterrupted.Steps.Where(s => s.Epoch == 1).ToList();
        var actual = second.Steps.Where(s => s.Epoch == 1).ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].GlobalIteration, actual[i].GlobalIteration);
            Assert.Equal(expected[i].Loss, actual[i].Loss, 1e-6);
            Assert.Equal(Patch(expected[i]), Patch(actual[i]), 1e-6);
        }
        Assert.Equal(uninterrupted.Evaluations[^1].Metrics["top1"], second.Evaluations[^1].Metrics["top1"]);
    }

    /// <summary>In every precision: bf16 and fp16 runs resume exactly too, fp16 with its loss scale.</summary>
    [Theory]
    [InlineData(Precision.Fp32)]
    [InlineData(Precision.Bf16)]
    [InlineData(Precision.Fp16)]
    public void A_run_stopped_mid_epoch_checkpoints_where_it_stopped_and_resumes_exactly(Precision precision)
    {
        var uninterrupted = new Recorder();
        Assert.Equal(RunState.Completed, Run("mid-a", uninterrupted, precision: precision).Status);

        // Stop after the second of four iterations of epoch 2: past the epoch-1 checkpoint.
        using var stop = new CancellationTokenSource();
        var first = new Recorder(onStep: r => { if (r.GlobalIteration == 5) stop.Cancel(); });
        var stopped = Run("mid-b", first, cancellation: stop.Token, precision: precision);
        Assert.Equal(RunState.Cancelled, stopped.Status);
        using (var file = IBot.Pipeline.Vision.Checkpoints.SafeTensors.Load(stopped.LastCheckpoint!))
        {
            Assert.Equal(("1", "6"), (file.Metadata["epoch"], file.Metadata["iteration"]));
            // fp16 saves GradScaler's state; the others have none.
            Assert.Equal(precision == Precision.Fp16, file.Metadata.ContainsKey("loss_scale"));
        }

        var second = new Recorder();
        Assert.Equal(RunState.Completed, Run("mid-b", second, resume: true, precision: precision).Status);
        Assert.Equal([6L, 7L], second.Steps.Select(s => s.GlobalIteration));
        foreach (var step in second.Steps)
        {
            var expected = uninterrupted.Steps.Single(s => s.GlobalIteration == step.GlobalIteration);
            Assert.Equal(expected.Loss, step.Loss);
            Assert.Equal(Patch(expected), Patch(step));
        }
        Assert.Equal(uninterrupted.Evaluations[^1].Metrics["top1"], second.Evaluations[^1].Metrics["top1"]);
        // The loss scale went on from the checkpoint's: both runs end with the same scale and count of good steps.
        Assert.Equal(ScalerState(Path.Combine(root, "mid-a")), ScalerState(Path.Combine(root, "mid-b")));
        if (precision != Precision.Fp32)
        {
            // The reduced products show in the losses: not fp32 under another name.
            var fp32 = new Recorder();
            Assert.Equal(RunState.Completed, Run("mid-fp32", fp32).Status);
            Assert.NotEqual(fp32.Steps[^1].Loss, uninterrupted.Steps[^1].Loss);
            Assert.Equal(fp32.Steps[^1].Loss, uninterrupted.Steps[^1].Loss, 1e-1);
        }
    }

    private static (string?, string?) ScalerState(string runFolder)
    {
        using var file = IBot.Pipeline.Vision.Checkpoints.SafeTensors.Load(new RunLayout(runFolder).Checkpoint);
        return (file.Metadata.GetValueOrDefault("loss_scale"), file.Metadata.GetValueOrDefault("loss_scale_growth_tracker"));
    }

    [Fact]
    public void A_diverging_run_fails_with_the_reason_and_keeps_the_last_good_checkpoint()
    {
        // One sane epoch writes a checkpoint; the spec's absurd rate then applies from epoch 2 on.
        var sane = Run("diverge", new Recorder((_, _, _) => { }), epochs: 2);
        Assert.Equal(RunState.Completed, sane.Status);
        var before = File.ReadAllBytes(sane.LastCheckpoint!);

        var diverging = new RunLayout(Path.Combine(root, "diverge2"));
        Directory.CreateDirectory(diverging.CheckpointsFolder);
        File.Copy(sane.LastCheckpoint!, diverging.Checkpoint);
        // Resume the finished 2-epoch state into a 4-epoch run with lr 1e9: it must blow up.
        var outcome = Run("diverge2", new Recorder(), resume: true, lr: 1e9, epochs: 4);

        Assert.Equal(RunState.Failed, outcome.Status);
        Assert.Contains("non-finite", outcome.Reason);
        Assert.Contains("epoch 2", outcome.Reason);
        Assert.Equal(before, File.ReadAllBytes(diverging.Checkpoint));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
