namespace IBot.Pipeline.Abstractions.Runs;

/// <summary>What a run's method reports as it works; the engine fans it out to the terminal, the
/// run log, <c>metrics.jsonl</c>, TensorBoard and lineage.</summary>
public interface IRunObserver
{
    /// <summary>Training starts (or resumes); 0 epochs for an evaluation-only run.</summary>
    /// <param name="epochs">Epochs the run trains in all.</param>
    /// <param name="iterationsPerEpoch">Steps per epoch.</param>
    /// <param name="startEpoch">The epoch training starts in (0-based; the epochs before it are done).</param>
    /// <param name="startIteration">The global step training starts at: 0 for a new run,
    /// <c>startEpoch × iterationsPerEpoch</c> after an end-of-epoch checkpoint, more after one made in
    /// the middle of an epoch (a run stopped there).</param>
    void Started(int epochs, int iterationsPerEpoch, int startEpoch, long startIteration);

    void Step(StepReport report);

    void EpochEnded(int epoch, double seconds, double imagesPerSecond);

    /// <summary>An evaluator's metrics after <see cref="EvaluationReport.Epoch"/> epochs (0: initialisation or evaluation-only).</summary>
    void Evaluated(EvaluationReport report);

    void CheckpointSaved(string path, int epoch);

    void Message(string text);
}
