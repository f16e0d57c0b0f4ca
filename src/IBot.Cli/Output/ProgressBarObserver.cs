using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Runs;
using Spectre.Console;

namespace IBot.Cli.Output;

/// <summary>Training progress on a live progress bar (interactive terminals): its value is the
/// iterations done, its description the epoch, losses, learning rate and speed. The run's lines
/// themselves go above it (the engine's run log echoes them).</summary>
public sealed class ProgressBarObserver : IRunObserver
{
    private readonly ProgressText text = new();
    private ProgressTask? bar;

    public void Attach(ProgressTask task) => bar = task;

    public void Started(int epochs, int iterationsPerEpoch, int startEpoch, long startIteration)
    {
        text.Started(epochs, iterationsPerEpoch, startEpoch, startIteration);
        if (bar is not null) bar.MaxValue = text.Total;
    }

    public void Step(StepReport report)
    {
        if (bar is null) return;
        bar.Value = text.Done(report);
        bar.Description = Markup.Escape(text.StepShort(report));
    }

    public void EpochEnded(int epoch, double seconds, double imagesPerSecond)
    {
    }

    public void Evaluated(EvaluationReport report)
    {
    }

    public void CheckpointSaved(string path, int epoch)
    {
    }

    public void Message(string text)
    {
    }
}
