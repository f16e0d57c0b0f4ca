using IBot.Pipeline.Lineage.Recording;
using IBot.Pipeline.Vision.Runs;

namespace IBot.Cli.Lineage;

/// <summary>
/// The trainer's reports into the lineage store: losses and the learning rate at the log interval
/// (buffered, written at each epoch end), checkpoints, evaluations, and — for a resumed run —
/// the checkpoint it continued from, hashed before the first new epoch overwrites it.
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
        recorder.Metric("loss", r.Loss, r.Epoch + 1, r.GlobalIteration);
        recorder.Metric("loss_cls", r.LossCls, r.Epoch + 1, r.GlobalIteration);
        recorder.Metric("loss_patch", r.LossPatch, r.Epoch + 1, r.GlobalIteration);
        recorder.Metric("lr", r.Lr, r.Epoch + 1, r.GlobalIteration);
    }

    public void EpochEnded(int epoch, double seconds, double imagesPerSecond)
    {
        recorder.Metric("images_per_second", imagesPerSecond, epoch + 1, (long)(epoch + 1) * iterationsPerEpoch);
        recorder.Flush();
    }

    public void Evaluated(string evaluator, int epoch, IReadOnlyDictionary<string, double> metrics) =>
        recorder.Evaluation(evaluator, epoch, (long)epoch * iterationsPerEpoch, metrics);

    public void CheckpointSaved(string path, int epoch) => recorder.Checkpoint(path, epoch);

    public void Message(string text)
    {
    }
}
