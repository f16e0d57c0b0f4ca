using IBot.Pipeline.Vision.Runs;

namespace IBot.Cli.Lineage;

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

    public void Evaluated(string evaluator, int epoch, IReadOnlyDictionary<string, double> metrics)
    {
        foreach (var o in observers) o.Evaluated(evaluator, epoch, metrics);
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
