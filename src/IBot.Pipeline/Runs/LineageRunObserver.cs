using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Lineage.Recording;

namespace IBot.Pipeline.Runs;

/// <summary>
/// A run's reports into the lineage store: every loss term and the learning rate at the log
/// interval (buffered, written at each epoch end), checkpoints, evaluations, and — for a resumed
/// run — the checkpoint it continued from (at an epoch's end or inside one), hashed before the
/// first new save overwrites it.
/// </summary>
public sealed class LineageRunObserver(RunRecorder recorder, string? resumeCheckpoint) : IRunObserver
{
    private int iterationsPerEpoch;

    public void Started(int epochs, int iterationsPerEpoch, int startEpoch, long startIteration)
    {
        this.iterationsPerEpoch = iterationsPerEpoch;
        // Any checkpoint it continues from, made at an epoch's end or in the middle of one (a run stopped there).
        if (resumeCheckpoint is not null && startIteration > 0 && File.Exists(resumeCheckpoint))
            recorder.Resume(resumeCheckpoint, startEpoch, (int)(startIteration - (long)startEpoch * iterationsPerEpoch));
    }

    public void Step(StepReport r)
    {
        // Epoch of a step = the epoch in progress, 1-based, as the terminal shows it.
        foreach (var (name, value) in r.Losses) recorder.Metric(name, value, r.Epoch + 1, r.GlobalIteration);
        recorder.Metric("lr", r.Lr, r.Epoch + 1, r.GlobalIteration);
    }

    public void EpochEnded(int epoch, double seconds, double imagesPerSecond)
    {
        recorder.Metric("images_per_second", imagesPerSecond, epoch + 1, (long)(epoch + 1) * iterationsPerEpoch);
        recorder.Flush();
    }

    public void Evaluated(EvaluationReport report) =>
        recorder.Evaluation(report.Evaluator, report.Epoch, (long)report.Epoch * iterationsPerEpoch, report.Metrics);

    public void CheckpointSaved(string path, int epoch) => recorder.Checkpoint(path, epoch);

    public void Message(string text)
    {
    }
}
