using IBot.Pipeline.Lineage.Graph;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Recording;

namespace IBot.Pipeline.Tests.Lineage;

/// <summary>A graph built through the recorder, as runs write it: train → checkpoint → evaluation
/// by another run; a third run resumed from the checkpoint; walked both ways. One suite for every store
/// (<typeparamref name="TKind"/>).</summary>
public abstract class LineageGraphTests<TKind> : IDisposable where TKind : ILineageStoreKind, new()
{
    private readonly LineageFixture lineage;

    protected LineageGraphTests()
    {
        new TKind().SkipUnlessAvailable();
        lineage = new LineageFixture(new TKind());
    }

    private string Checkpoint(string name, string content)
    {
        var path = Path.Combine(lineage.Folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    private (string Train, string CheckpointId, string EvalRun) Build()
    {
        var store = lineage.Store;
        var warnings = new List<string>();
        var spec = new SpecRecord(SpecRecord.IdOf("5eed"), "5eed", "exp", "name: exp\n", LineageFixture.T0);
        var data = new DatasetFingerprint("data:d1", "d1d1d1d1d1d1d1d1", "train", "synthetic", "synthetic count=8", null, null);
        var train = new RunRecorder(store, "train-1", warnings.Add);
        var run = LineageFixture.Run("train-1", status: RunState.Running, spec: "5eed");
        run.Datasets.Add(data.Id);
        train.Start(new RunRecord
        {
            Id = run.Id, Name = run.Name, SpecHash = run.SpecHash, Created = run.Created, Updated = run.Updated, Status = run.Status, History = run.History,
            Environment = new EnvironmentInfo("box", "Linux", ".NET 10", "0.107.0", "2.10.0", "0.1.0", "abc123"), Datasets = run.Datasets,
        }, spec, [data]);
        train.Evaluation("knn", 0, 0, new Dictionary<string, double> { ["top1"] = 40 });
        train.Metric("loss", 9.5, 0, 5);
        var checkpoint = Checkpoint("ckpt-1", "weights after epoch 1");
        train.Checkpoint(checkpoint, 1);
        train.Evaluation("knn", 1, 10, new Dictionary<string, double> { ["top1"] = 45, ["top5"] = 90 });
        train.Finish(RunState.Completed, null);
        var sha = FileHashes.Sha256(checkpoint);

        var evalSpec = new SpecRecord(SpecRecord.IdOf("e0e0"), "e0e0", "eval", "name: eval\n", LineageFixture.T0);
        var evaluate = new RunRecorder(store, "eval-1", warnings.Add);
        evaluate.Start(LineageFixture.Run("eval-1", status: RunState.Running, spec: "e0e0"), evalSpec, [], RunRecorder.Input(store, checkpoint, sha));
        evaluate.Evaluation("knn", 0, 0, new Dictionary<string, double> { ["top1"] = 45 });
        evaluate.Finish(RunState.Completed, null);

        var resumed = new RunRecorder(store, "resumed-1", warnings.Add);
        resumed.Start(LineageFixture.Run("resumed-1", status: RunState.Running, spec: "5eed"), spec, [data]);
        resumed.Resume(checkpoint, 1);
        resumed.Finish(RunState.Failed, "diverged");
        Assert.Empty(warnings);
        return ("train-1", ArtifactRecord.IdOf(sha), "eval-1");
    }

    private static IEnumerable<LineageNode> All(LineageNode node) => node.Children.SelectMany(All).Prepend(node);

    [SkippableFact]
    public void Descendants_of_a_run_reach_evaluations_by_other_runs_and_their_metrics()
    {
        var (train, checkpoint, evalRun) = Build();
        var tree = new LineageGraph(lineage.Store).Descendants(train);
        var ckpt = Assert.Single(tree.Children, c => c.Id == checkpoint);
        Assert.Equal(RelationKinds.Produces, ckpt.Relation);
        Assert.Contains("after epoch 1", ckpt.Label);
        // The checkpoint was evaluated by its own run (epoch 1) and by the evaluation-only run, and resumed by a third.
        Assert.Equal([EvaluationRecord.IdOf(evalRun, "knn", 0), EvaluationRecord.IdOf(train, "knn", 1), "resumed-1"], ckpt.Children.Select(c => c.Id).Order(StringComparer.Ordinal));
        var external = ckpt.Children.Single(c => c.Id == EvaluationRecord.IdOf(evalRun, "knn", 0));
        Assert.Equal("knn_top1 = 45", Assert.Single(external.Children).Label);
        // The initialisation evaluation measured no checkpoint: it hangs off the run alone.
        var init = Assert.Single(tree.Children, c => c.Id == EvaluationRecord.IdOf(train, "knn", 0));
        Assert.Equal(RelationKinds.Performs, init.Relation);
        Assert.Equal(["knn_top1 = 40"], init.Children.Select(c => c.Label));
        // The run's own epoch-1 evaluation appears under the checkpoint and again under the run, marked as repeated.
        Assert.Single(All(tree), n => n.Id == EvaluationRecord.IdOf(train, "knn", 1) && !n.Repeated);
    }

    [SkippableFact]
    public void Ancestors_of_an_evaluation_lead_back_to_checkpoint_spec_data_and_environment()
    {
        var (train, checkpoint, evalRun) = Build();
        var tree = new LineageGraph(lineage.Store).Ancestors(EvaluationRecord.IdOf(evalRun, "knn", 0));
        Assert.Equal(["artifact", "run"], tree.Children.Select(c => c.Kind).Order());
        var ckpt = tree.Children.Single(c => c.Id == checkpoint);
        var producer = Assert.Single(ckpt.Children);
        Assert.Equal(train, producer.Id);
        Assert.Equal(["data:d1", "spec:5eed", train + "#environment"], producer.Children.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Contains("TorchSharp 0.107.0, libtorch 2.10.0, ibot 0.1.0 @ abc123", producer.Children.Single(c => c.Kind == "environment").Label);
        var evaluator = tree.Children.Single(c => c.Id == evalRun);
        Assert.Contains(evaluator.Children, c => c.Id == "spec:e0e0");
    }

    [SkippableFact]
    public void A_resumed_run_names_the_checkpoint_it_continued_from_and_cycles_end()
    {
        var (_, checkpoint, _) = Build();
        var resumed = lineage.Store.GetRun("resumed-1")!;
        Assert.Equal([RunState.Running, RunState.Running, RunState.Failed], resumed.History.Select(h => h.Status));
        Assert.Equal("resumed after epoch 1", resumed.History[1].Reason);
        var tree = new LineageGraph(lineage.Store).Ancestors("resumed-1");
        var ckpt = Assert.Single(tree.Children, c => c.Id == checkpoint);
        Assert.Equal(RelationKinds.Resumes, ckpt.Relation);
        // spec:5eed is reached twice (through resumed-1 and through train-1): the second is not expanded.
        Assert.Equal(1, All(tree).Count(n => n.Id == "spec:5eed" && !n.Repeated));
    }

    [SkippableFact]
    public void Compare_lists_differing_params_and_metric_deltas()
    {
        var a = LineageFixture.Run("a", parameters: [("train.optimizer.lr", 5e-4), ("train.epochs", 10), ("masking.kind", "block")]);
        var b = LineageFixture.Run("b", parameters: [("train.optimizer.lr", 1e-3), ("train.epochs", 10), ("train.clip_grad", 3.0)], spec: "bbbb");
        a.Metrics["knn_top1"] = new MetricSummary(50, 40, 50, 2, 2, 20);
        b.Metrics["knn_top1"] = new MetricSummary(55.5, 40, 56, 2, 2, 20);
        b.Metrics["nmi"] = new MetricSummary(0.3, 0.3, 0.3, 1, 2, 20);
        var diff = RunComparison.Of(a, b);
        Assert.False(diff.SameSpec);
        Assert.Equal(["masking.kind", "train.clip_grad", "train.optimizer.lr"], diff.Params.Select(p => p.Key));
        Assert.True(diff.Params[0].B.IsMissing);
        Assert.Equal(5.5, diff.Metrics.Single(m => m.Name == "knn_top1").Delta);
        Assert.Null(diff.Metrics.Single(m => m.Name == "nmi").Delta);
        Assert.Empty(RunComparison.Of(a, a).Params);
    }

    public void Dispose()
    {
        lineage.Dispose();
        GC.SuppressFinalize(this);
    }
}
