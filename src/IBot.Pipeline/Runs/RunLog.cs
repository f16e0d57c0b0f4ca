using IBot.Pipeline.Abstractions.Runs;

namespace IBot.Pipeline.Runs;

/// <summary>A run's <c>run.log</c>: every progress line and message with its UTC time, flushed at once;
/// each line is also handed to <paramref name="echo"/> (a terminal), when given — step lines only with
/// <paramref name="echoSteps"/> (a terminal with a progress bar shows steps on the bar instead) —
/// and each warning to <paramref name="warn"/> (standard error).</summary>
public sealed class RunLog(string path, Action<string>? echo = null, bool echoSteps = true, Action<string>? warn = null) : IRunObserver, IDisposable
{
    private readonly StreamWriter log = new(path, append: true);
    private readonly ProgressText text = new();

    public void Started(int epochs, int iterationsPerEpoch, int startEpoch, long startIteration)
    {
        var line = text.Started(epochs, iterationsPerEpoch, startEpoch, startIteration);
        if (epochs > 0) Write(line);
    }

    public void Step(StepReport report) => Write(text.Step(report), echoSteps);

    public void EpochEnded(int epoch, double seconds, double imagesPerSecond) => Write(text.EpochEnded(epoch, seconds, imagesPerSecond));

    public void Evaluated(EvaluationReport report) => Write(text.Evaluated(report));

    public void CheckpointSaved(string path, int epoch) => Write(ProgressText.CheckpointSaved(path, epoch));

    public void Message(string line) => Write(line);

    /// <summary>Something that went wrong without stopping the run (a lineage write that failed).</summary>
    public void Warning(string text)
    {
        Write("warning: " + text, show: warn is null);
        warn?.Invoke(text);
    }

    public void Write(string line, bool show = true)
    {
        lock (log)
        {
            log.WriteLine($"{DateTime.UtcNow:O} {line}");
            log.Flush();
        }
        if (show) echo?.Invoke(line);
    }

    public void Dispose()
    {
        lock (log) log.Dispose();
    }
}
