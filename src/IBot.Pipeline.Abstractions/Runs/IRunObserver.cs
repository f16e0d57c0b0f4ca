namespace IBot.Pipeline.Abstractions.Runs;

/// <summary>What a run's method reports as it works; the engine fans it out to the terminal, the
/// run log, <c>metrics.jsonl</c>, TensorBoard and lineage.</summary>
public interface IRunObserver
{
    /// <summary>Training starts (or resumes at <paramref name="startEpoch"/>); 0 epochs for an evaluation-only run.</summary>
    void Started(int epochs, int iterationsPerEpoch, int startEpoch);

    void Step(StepReport report);

    void EpochEnded(int epoch, double seconds, double imagesPerSecond);

    /// <summary>An evaluator's metrics after <see cref="EvaluationReport.Epoch"/> epochs (0: initialisation or evaluation-only).</summary>
    void Evaluated(EvaluationReport report);

    void CheckpointSaved(string path, int epoch);

    void Message(string text);
}
