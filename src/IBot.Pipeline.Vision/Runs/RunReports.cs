namespace IBot.Pipeline.Vision.Runs;

/// <summary>Training progress at a log interval (values read from the device only then).</summary>
public sealed record StepReport(int Epoch, int Iteration, int IterationsPerEpoch, long GlobalIteration, double Loss, double LossCls, double LossPatch,
    double Lr, double WeightDecay, double Momentum, double ImagesPerSecond);

public enum RunStatus
{
    Completed,
    Failed,
    Cancelled,
}

/// <summary>How a run ended, with its last checkpoint and final metrics.</summary>
public sealed record RunOutcome(RunStatus Status, string? Reason, string? LastCheckpoint, IReadOnlyDictionary<string, double> Metrics, int EpochsDone);

/// <summary>What the trainer tells its front door (terminal progress, logs, lineage).</summary>
public interface IRunObserver
{
    /// <param name="epochs">Epochs the run trains in all.</param>
    /// <param name="iterationsPerEpoch">Steps per epoch.</param>
    /// <param name="startEpoch">The epoch training starts in (0-based; the epochs before it are done).</param>
    /// <param name="startIteration">The global step training starts at: 0 for a new run,
    /// <c>startEpoch × iterationsPerEpoch</c> after an end-of-epoch checkpoint, more after one made in
    /// the middle of an epoch (a run stopped there).</param>
    void Started(int epochs, int iterationsPerEpoch, int startEpoch, long startIteration);

    void Step(StepReport report);

    void EpochEnded(int epoch, double seconds, double imagesPerSecond);

    void Evaluated(string evaluator, int epoch, IReadOnlyDictionary<string, double> metrics);

    void CheckpointSaved(string path, int epoch);

    void Message(string text);
}
