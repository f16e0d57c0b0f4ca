using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Masking;
using IBot.Pipeline.Vision.Data.Sources;
using IBot.Pipeline.Vision.Runs;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Runs;

public sealed class IBotRunTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("ibot-run-").FullName;

    private static TrainingPlan Plan(double lr = 5e-4, int epochs = 2) => new(
        "tiny", 3, CPU,
        new SyntheticSource(32, 4, 24, 24, seed: 1),
        new SyntheticSource(40, 4, 24, 24, seed: 2),
        new SyntheticSource(20, 4, 24, 24, seed: 3),
        new MultiCropOptions(new CropSpec(2, 16, 0.4, 1.0), new CropSpec(2, 8, 0.1, 0.4)),
        new MaskGenerator(MaskOptions.Paper),
        new VitSpec { PatchSize = 4, EmbedDim = 32, Depth = 1, NumHeads = 2, DropPath = 0.1 },
        new HeadSpec { OutDim = 64, HiddenDim = 64, BottleneckDim = 16, Shared = true },
        new IBotLossSpec { Head = "ibot", TeacherTemp = new TemperatureSpec { WarmupEpochs = 1 } },
        new TrainSettings(epochs, 8, lr, 1e-6, 1, 0.04, 0.4, 0.996, 3.0, 1, LogEvery: 1, CheckpointEvery: 1, Workers: 2),
        [new PlannedEvaluator("knn", new KnnEvaluator(new KnnSpec { K = [5] }), 0, EvaluatedNetwork.Teacher)],
        "name: tiny\n");

    private sealed class Recorder(Action<Recorder, string, int>? onCheckpoint = null, Action<StepReport>? onStep = null) : IRunObserver
    {
        public List<StepReport> Steps { get; } = [];
        public List<(string Name, int Epoch, IReadOnlyDictionary<string, double> Metrics)> Evaluations { get; } = [];
        public void Started(int epochs, int iterationsPerEpoch, int startEpoch, long startIteration) { }
        public void Step(StepReport report)
        {
            Steps.Add(report);
            onStep?.Invoke(report);
        }
        public void EpochEnded(int epoch, double seconds, double imagesPerSecond) { }
        public void Evaluated(string evaluator, int epoch, IReadOnlyDictionary<string, double> metrics) => Evaluations.Add((evaluator, epoch, metrics));
        public void CheckpointSaved(string path, int epoch) => onCheckpoint?.Invoke(this, path, epoch);
        public void Message(string text) { }
    }

    [Fact]
    public void Runs_end_to_end_with_knn_metrics_and_a_checkpoint()
    {
        var folder = Path.Combine(root, "full");
        Directory.CreateDirectory(folder);
        var recorder = new Recorder();
        var outcome = new IBotRun(Plan(), folder, recorder).Execute(resume: false, CancellationToken.None);

        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.True(File.Exists(outcome.LastCheckpoint));
        Assert.Equal(8, recorder.Steps.Count); // 2 epochs x 4 iterations, logged every iteration
        Assert.Contains("knn_top1", outcome.Metrics.Keys);
        Assert.Contains("init_knn_top1", outcome.Metrics.Keys);
        Assert.Equal([0, 2], recorder.Evaluations.Select(e => e.Epoch));
        var lines = File.ReadAllLines(Path.Combine(folder, "metrics.jsonl"));
        Assert.Equal(8, lines.Count(l => l.Contains("\"type\":\"step\"")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(folder, "tensorboard"), "events.out.tfevents*", SearchOption.AllDirectories));
        Assert.All(recorder.Steps, s => Assert.True(double.IsFinite(s.Loss) && s.Loss > 0));
    }

    [Fact]
    public void An_interrupted_run_resumed_from_its_checkpoint_repeats_the_same_losses()
    {
        var uninterrupted = new Recorder();
        var a = Path.Combine(root, "a");
        Directory.CreateDirectory(a);
        Assert.Equal(RunStatus.Completed, new IBotRun(Plan(), a, uninterrupted).Execute(false, CancellationToken.None).Status);

        // Stop right after the epoch-1 checkpoint, then resume in the same folder.
        var b = Path.Combine(root, "b");
        Directory.CreateDirectory(b);
        using var stop = new CancellationTokenSource();
        var first = new Recorder((_, _, epoch) => { if (epoch == 1) stop.Cancel(); });
        var interrupted = new IBotRun(Plan(), b, first).Execute(false, stop.Token);
        Assert.Equal(RunStatus.Cancelled, interrupted.Status);
        var second = new Recorder();
        var resumed = new IBotRun(Plan(), b, second).Execute(true, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, resumed.Status);

        var expected = uninterrupted.Steps.Where(s => s.Epoch == 1).ToList();
        var actual = second.Steps.Where(s => s.Epoch == 1).ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].GlobalIteration, actual[i].GlobalIteration);
            Assert.Equal(expected[i].Loss, actual[i].Loss, 1e-6);
            Assert.Equal(expected[i].LossPatch, actual[i].LossPatch, 1e-6);
        }
        Assert.Equal(uninterrupted.Evaluations.Last().Metrics["top1"], second.Evaluations.Last().Metrics["top1"]);
    }

    [Fact]
    public void A_run_stopped_mid_epoch_checkpoints_where_it_stopped_and_resumes_exactly()
    {
        var uninterrupted = new Recorder();
        var a = Path.Combine(root, "mid-a");
        Directory.CreateDirectory(a);
        Assert.Equal(RunStatus.Completed, new IBotRun(Plan(), a, uninterrupted).Execute(false, CancellationToken.None).Status);

        // Stop after the second of four iterations of epoch 2: past the epoch-1 checkpoint.
        var b = Path.Combine(root, "mid-b");
        Directory.CreateDirectory(b);
        using var stop = new CancellationTokenSource();
        var first = new Recorder(onStep: r => { if (r.GlobalIteration == 5) stop.Cancel(); });
        var stopped = new IBotRun(Plan(), b, first).Execute(false, stop.Token);
        Assert.Equal(RunStatus.Cancelled, stopped.Status);
        using (var file = IBot.Pipeline.Vision.Checkpoints.SafeTensors.Load(stopped.LastCheckpoint!))
            Assert.Equal(("1", "6"), (file.Metadata["epoch"], file.Metadata["iteration"]));

        var second = new Recorder();
        Assert.Equal(RunStatus.Completed, new IBotRun(Plan(), b, second).Execute(true, CancellationToken.None).Status);
        Assert.Equal([6L, 7L], second.Steps.Select(s => s.GlobalIteration));
        foreach (var step in second.Steps)
        {
            var expected = uninterrupted.Steps.Single(s => s.GlobalIteration == step.GlobalIteration);
            Assert.Equal(expected.Loss, step.Loss, 1e-6);
            Assert.Equal(expected.LossPatch, step.LossPatch, 1e-6);
        }
        Assert.Equal(uninterrupted.Evaluations.Last().Metrics["top1"], second.Evaluations.Last().Metrics["top1"]);
    }

    [Fact]
    public void A_diverging_run_fails_with_the_reason_and_keeps_the_last_good_checkpoint()
    {
        var folder = Path.Combine(root, "diverge");
        Directory.CreateDirectory(folder);
        // One sane epoch writes a checkpoint; the spec's absurd rate then applies from epoch 2 on.
        var sane = new IBotRun(Plan(epochs: 2), folder, new Recorder((_, _, _) => { })).Execute(false, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, sane.Status);
        var before = File.ReadAllBytes(sane.LastCheckpoint!);

        var diverging = Path.Combine(root, "diverge2");
        Directory.CreateDirectory(Path.Combine(diverging, "checkpoints"));
        File.Copy(sane.LastCheckpoint!, Path.Combine(diverging, "checkpoints", IBotRun.CheckpointFile));
        // Resume the finished 2-epoch state into a 4-epoch plan with lr 1e9: it must blow up.
        var outcome = new IBotRun(Plan(lr: 1e9, epochs: 4), diverging, new Recorder()).Execute(true, CancellationToken.None);

        Assert.Equal(RunStatus.Failed, outcome.Status);
        Assert.Contains("non-finite", outcome.Reason);
        Assert.Contains("epoch 2", outcome.Reason);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(diverging, "checkpoints", IBotRun.CheckpointFile)));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
