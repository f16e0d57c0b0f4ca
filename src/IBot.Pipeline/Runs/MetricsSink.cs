using System.Text.Json;
using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Abstractions.Runtime;

namespace IBot.Pipeline.Runs;

/// <summary>
/// A run's measurements into its folder: every step report, epoch and evaluation as a line of
/// <c>metrics.jsonl</c> (flushed at once), the same scalars as TensorBoard events, and each
/// evaluation with its options and the checkpoint it measured in <c>evaluations.jsonl</c>.
/// </summary>
public sealed class MetricsSink : IRunObserver, IDisposable
{
    private readonly RunLayout layout;
    private readonly StreamWriter metrics;
    private readonly TensorBoardWriter board;
    private readonly EvaluationLog evaluations;

    public MetricsSink(RunLayout layout)
    {
        this.layout = layout;
        metrics = new StreamWriter(layout.Metrics, append: true);
        board = new TensorBoardWriter(layout.TensorBoard);
        evaluations = new EvaluationLog(layout.Evaluations);
    }

    public void Started(int epochs, int iterationsPerEpoch, int startEpoch, long startIteration)
    {
    }

    public void Step(StepReport r)
    {
        var line = new Dictionary<string, object>
        {
            ["type"] = "step",
            ["epoch"] = r.Epoch,
            ["iteration"] = r.GlobalIteration,
            ["iterations_per_epoch"] = r.IterationsPerEpoch,
        };
        foreach (var (name, value) in r.Losses)
        {
            line[name] = value;
            board.AddScalar($"train/{name}", value, r.GlobalIteration);
        }
        line["lr"] = r.Lr;
        line["wd"] = r.WeightDecay;
        line["momentum"] = r.Momentum;
        line["images_per_second"] = r.ImagesPerSecond;
        board.AddScalar("train/lr", r.Lr, r.GlobalIteration);
        board.AddScalar("train/images_per_second", r.ImagesPerSecond, r.GlobalIteration);
        Record(line);
    }

    public void EpochEnded(int epoch, double seconds, double imagesPerSecond) =>
        Record(new Dictionary<string, object> { ["type"] = "epoch", ["epoch"] = epoch + 1, ["seconds"] = seconds, ["images_per_second"] = imagesPerSecond });

    public void Evaluated(EvaluationReport report)
    {
        // An evaluation-only run measures its input file: its lines name it.
        var input = report.WeightsEpoch is null ? report.WeightsFile : null;
        foreach (var (k, v) in report.Metrics)
        {
            var name = $"{report.Evaluator}_{k}";
            var line = new Dictionary<string, object> { ["type"] = "eval", ["epoch"] = report.Epoch, ["name"] = name, ["value"] = v };
            if (input is not null) line["weights"] = input;
            Record(line);
            board.AddScalar($"eval/{name}", v, report.Epoch);
        }
        var checkpoint = report.WeightsFile is { } file && File.Exists(file) ? EvaluationLog.Describe(file, report.WeightsEpoch) : null;
        evaluations.Append(new EvaluationRecord(DateTime.UtcNow, layout.RunId, report.Evaluator, report.Kind,
            EvaluationLog.OptionsJson(report.Options), report.Network, report.Epoch, checkpoint, report.Metrics, report.Seconds));
    }

    public void CheckpointSaved(string path, int epoch)
    {
    }

    public void Message(string text)
    {
    }

    private void Record(Dictionary<string, object> line)
    {
        lock (metrics)
        {
            metrics.WriteLine(JsonSerializer.Serialize(line));
            metrics.Flush();
        }
    }

    public void Dispose()
    {
        metrics.Dispose();
        board.Dispose();
    }
}
