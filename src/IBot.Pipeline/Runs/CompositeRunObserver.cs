using IBot.Pipeline.Abstractions.Runs;

namespace IBot.Pipeline.Runs;

/// <summary>Tells every observer in turn (the terminal, then the lineage store).</summary>
public sealed class CompositeRunObserver(params IRunObserver[] observers) : IRunObserver
{
    public void Started(int epochs, int iterationsPerEpoch, int startEpoch, long startIteration)
    {
        foreach (var o in observers) o.Started(epochs, iterationsPerEpoch, startEpoch, startIteration);
    }

    public void Step(StepReport report)
    {
        foreach (var o in observers) o.Step(report);
    }

    public void EpochEnded(int epoch, double seconds, double imagesPerSecond)
    {
        foreach (var o in observers) o.EpochEnded(epoch, seconds, imagesPerSecond);
    }

    public void Evaluated(EvaluationReport report)
    {
        foreach (var o in observers) o.Evaluated(report);
    }

    public void CheckpointSaved(string path, int epoch)
    {
        foreach (var o in observers) o.CheckpointSaved(path, epoch);
    }

    public void Message(string text)
    {
        foreach (var o in observers) o.Message(text);
    }
}
