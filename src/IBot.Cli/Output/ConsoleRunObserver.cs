using System.Globalization;
using IBot.Pipeline.Vision.Runs;
using Spectre.Console;

namespace IBot.Cli.Output;

/// <summary>Training progress on the terminal (one line per log interval: epoch, iteration,
/// images/s, loss parts, learning rate, ETA) and in the run log; warnings in the run log and on the
/// error console (also with <c>--json</c>, whose standard output they would break).</summary>
public sealed class ConsoleRunObserver(IAnsiConsole console, TextWriter log, bool quiet, TimeProvider? clock = null, ErrorConsole? errors = null) : IRunObserver
{
    private readonly TimeProvider time = clock ?? TimeProvider.System;
    private ProgressTask? bar;

    /// <summary>Shows step reports on a live progress bar instead of one line each (interactive terminals).</summary>
    public void Attach(ProgressTask task) => bar = task;

    private int epochs;
    private int iterationsPerEpoch;
    private long startIteration;
    // The ETA's clock starts at the first step report, not at construction: set-up, data
    // loading, the initial evaluation and the first steps' compilation are behind it, and
    // counting them made the first estimates of a run several times too long.
    private DateTimeOffset? firstReportAt;
    private long firstReportDone;

    public void Started(int epochs, int iterationsPerEpoch, int startEpoch, long startIteration)
    {
        this.epochs = epochs;
        this.iterationsPerEpoch = iterationsPerEpoch;
        this.startIteration = startIteration;
        if (bar is not null) bar.MaxValue = Math.Max(1, (long)epochs * iterationsPerEpoch - startIteration);
        Write($"training {epochs} epochs x {iterationsPerEpoch} iterations, from epoch {startEpoch}");
    }

    public void Step(StepReport r)
    {
        var done = r.GlobalIteration + 1 - startIteration;
        var remaining = (long)epochs * iterationsPerEpoch - r.GlobalIteration - 1;
        var eta = Eta(done, remaining);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"epoch {r.Epoch + 1}/{epochs} it {r.Iteration + 1}/{r.IterationsPerEpoch}  loss {r.Loss:F4} (cls {r.LossCls:F4}, patch {r.LossPatch:F4})  lr {r.Lr:E2}  {r.ImagesPerSecond:F1} img/s  ETA {FormatEta(eta)}");
        if (bar is null)
        {
            Write(line);
            return;
        }
        lock (log) log.WriteLine($"{DateTime.UtcNow:O} {line}");
        bar.Value = done;
        bar.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"epoch {r.Epoch + 1}/{epochs}  loss {r.Loss:F3} (cls {r.LossCls:F3}, patch {r.LossPatch:F3})  lr {r.Lr:E1}  {r.ImagesPerSecond:F0} img/s"));
    }

    /// <summary>Time left at the pace since the first report; null until a second report gives a pace.</summary>
    private TimeSpan? Eta(long done, long remaining)
    {
        var now = time.GetUtcNow();
        if (firstReportAt is not { } first)
        {
            firstReportAt = now;
            firstReportDone = done;
            return null;
        }
        var steps = done - firstReportDone;
        return steps > 0 ? TimeSpan.FromSeconds((now - first).TotalSeconds / steps * remaining) : null;
    }

    /// <summary>h:mm:ss, hours unbounded (a long run's ETA passes a day), or dashes before a pace is known.</summary>
    internal static string FormatEta(TimeSpan? eta) => eta is { } e
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)e.TotalHours:00}:{e.Minutes:00}:{e.Seconds:00}")
        : "--:--:--";

    public void EpochEnded(int epoch, double seconds, double imagesPerSecond) =>
        Write(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}/{epochs} done in {seconds:F1} s ({imagesPerSecond:F1} img/s)"));

    public void Evaluated(string evaluator, int epoch, IReadOnlyDictionary<string, double> metrics) =>
        // An evaluation-only run never starts training: its results are not an initialisation.
        Write($"{(epochs == 0 ? "evaluation" : epoch == 0 ? "initialisation" : $"after epoch {epoch}")}: {evaluator} " +
              string.Join(", ", metrics.Where(m => !m.Key.Contains("_k", StringComparison.Ordinal)).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:F2}"))));

    public void CheckpointSaved(string path, int epoch) => Write($"checkpoint after epoch {epoch}: {path}");

    public void Message(string text) => Write(text);

    /// <summary>Something that went wrong without stopping the run (a lineage write that failed).</summary>
    public void Warning(string text)
    {
        lock (log)
        {
            log.WriteLine($"{DateTime.UtcNow:O} warning: {text}");
            log.Flush();
        }
        if (errors is not null) errors.Warning(text);
        else if (!quiet) JsonOutput.Line(console, "warning: " + text);
    }

    private void Write(string line)
    {
        lock (log)
        {
            log.WriteLine($"{DateTime.UtcNow:O} {line}");
            log.Flush();
            if (quiet) return;
            // Under a live progress display the console must place the line above it.
            if (bar is not null) console.WriteLine(line);
            else JsonOutput.Line(console, line);
        }
    }
}
