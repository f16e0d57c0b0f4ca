using System.Globalization;
using IBot.Pipeline.Abstractions.Runs;

namespace IBot.Pipeline.Runs;

/// <summary>
/// The lines a run prints and logs: training progress at each log interval (epoch, iteration, the
/// loss and its terms, learning rate, images/s, ETA), epochs, evaluations, checkpoints. One
/// instance per display, since it keeps the ETA's clock.
/// </summary>
public sealed class ProgressText(TimeProvider? clock = null)
{
    private readonly TimeProvider time = clock ?? TimeProvider.System;
    private int epochs;
    private int iterationsPerEpoch;
    private long startIteration;
    // The ETA's clock starts at the first step report: set-up, data loading, the initial evaluation
    // and the first steps' compilation are behind it, and counting them made the first estimates
    // of a run several times too long.
    private DateTimeOffset? firstReportAt;
    private long firstReportDone;

    public int Epochs => epochs;

    public string Started(int epochs, int iterationsPerEpoch, int startEpoch, long startIteration)
    {
        this.epochs = epochs;
        this.iterationsPerEpoch = iterationsPerEpoch;
        this.startIteration = startIteration;
        return $"training {epochs} epochs x {iterationsPerEpoch} iterations, from epoch {startEpoch}";
    }

    /// <summary>Iterations done since the start (or resume), for a progress bar.</summary>
    public long Done(StepReport r) => r.GlobalIteration + 1 - startIteration;

    /// <summary>Iterations this run will do in all from its start (or resume).</summary>
    public long Total => Math.Max(1, (long)epochs * iterationsPerEpoch - startIteration);

    public string Step(StepReport r)
    {
        var remaining = (long)epochs * iterationsPerEpoch - r.GlobalIteration - 1;
        var eta = Eta(Done(r), remaining);
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {r.Epoch + 1}/{epochs} it {r.Iteration + 1}/{r.IterationsPerEpoch}  {Losses(r.Losses, "F4")}  lr {r.Lr:E2}  {r.ImagesPerSecond:F1} img/s  ETA {FormatEta(eta)}");
    }

    /// <summary>A short form for a progress bar's description.</summary>
    public string StepShort(StepReport r) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {r.Epoch + 1}/{epochs}  {Losses(r.Losses, "F3")}  lr {r.Lr:E1}  {r.ImagesPerSecond:F0} img/s");

    /// <summary>
    /// "loss 10.3467 (cls 6.6222, patch 3.7245)" for one objective with parts;
    /// "loss 10.4012 (ibot_loss 10.3467: cls 6.6222, patch 3.7245; koleo 0.0545)" for several.
    /// The losses come as the total, then each term followed by its parts (<c>loss_term_part</c>).
    /// </summary>
    public static string Losses(IReadOnlyList<KeyValuePair<string, double>> losses, string format)
    {
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        var total = losses.FirstOrDefault(l => l.Key == StepReport.TotalLoss);
        var terms = new List<(string Name, double Value, List<(string, double)> Parts)>();
        foreach (var (key, value) in losses.Where(l => l.Key != StepReport.TotalLoss))
        {
            if (terms.Count > 0 && key.StartsWith($"loss_{terms[^1].Name}_", StringComparison.Ordinal))
                terms[^1].Parts.Add((key[($"loss_{terms[^1].Name}_".Length)..], value));
            else terms.Add((key.StartsWith("loss_", StringComparison.Ordinal) ? key[5..] : key, value, []));
        }
        var text = $"loss {F(total.Value)}";
        if (terms.Count == 1)
            return terms[0].Parts.Count == 0 ? text : $"{text} ({string.Join(", ", terms[0].Parts.Select(p => $"{p.Item1} {F(p.Item2)}"))})";
        if (terms.Count == 0) return text;
        return $"{text} ({string.Join("; ", terms.Select(t => t.Parts.Count == 0 ? $"{t.Name} {F(t.Value)}"
            : $"{t.Name} {F(t.Value)}: {string.Join(", ", t.Parts.Select(p => $"{p.Item1} {F(p.Item2)}"))}"))})";
    }

    public string EpochEnded(int epoch, double seconds, double imagesPerSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}/{epochs} done in {seconds:F1} s ({imagesPerSecond:F1} img/s)");

    // An evaluation-only run never starts training: its results are not an initialisation.
    public string Evaluated(EvaluationReport report) =>
        $"{(epochs == 0 ? "evaluation" : report.Epoch == 0 ? "initialisation" : $"after epoch {report.Epoch}")}: {report.Evaluator} " +
        string.Join(", ", report.Metrics.Where(m => !m.Key.Contains("_k", StringComparison.Ordinal)).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:F2}")));

    public static string CheckpointSaved(string path, int epoch) => $"checkpoint after epoch {epoch}: {path}";

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
    public static string FormatEta(TimeSpan? eta) => eta is { } e
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)e.TotalHours:00}:{e.Minutes:00}:{e.Seconds:00}")
        : "--:--:--";
}
