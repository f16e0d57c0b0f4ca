using System.Text.RegularExpressions;
using ScottPlot;

namespace IBot.Pipeline.Vision.Reports;

/// <summary>
/// <c>figures/curves.png</c> of a run, from its <c>metrics.jsonl</c>: four panels against epochs —
/// the losses (total and every objective's term and parts), the learning rate, the evaluations' top-1 accuracies
/// (k-NN, linear, fine-tuning, clustering accuracy…; initialisation at epoch 0), and the other
/// evaluation metrics (NMI, ARI, attention entropy…) or, without any, the training throughput.
/// </summary>
public static partial class CurvesFigure
{
    public const int Width = 1200;
    public const int Height = 800;

    // Repeats (k-NN's per-k copies), top-5 (kept out for legibility) and sweep bookkeeping.
    [GeneratedRegex(@"(_k\d+$)|top5|_best_lr$|_best_weight_decay$|_best_epoch$|_loss$")]
    private static partial Regex NotPlotted();

    [GeneratedRegex(@"top1$|accuracy$")]
    private static partial Regex Accuracy();

    /// <summary>Draws the figure of the run in <paramref name="runFolder"/>; returns its path, or null without metrics.</summary>
    public static string? Write(string runFolder)
    {
        var layout = new IBot.Pipeline.Abstractions.Runs.RunLayout(runFolder);
        var metricsPath = layout.Metrics;
        if (!File.Exists(metricsPath)) return null;
        var log = MetricsLog.Read(metricsPath);
        if (log.Steps.Count == 0 && log.Evaluations.Count == 0) return null;
        var path = layout.Curves;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var panels = Panels(log).ToList();
        var multiplot = new Multiplot();
        multiplot.Reset(panels[0]); // a new multiplot starts with an empty plot of its own
        foreach (var plot in panels.Skip(1)) multiplot.AddPlot(plot);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(2, 2);
        var tmp = path + ".tmp.png";
        multiplot.SavePng(tmp, Width, Height);
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    /// <summary>Like <see cref="Write"/>, but a failure is reported, never thrown: a figure must not fail a run.</summary>
    public static string? TryWrite(string runFolder, Action<string> report)
    {
        try
        {
            return Write(runFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or DllNotFoundException or TypeInitializationException)
        {
            report($"curves not drawn: {e.Message}");
            return null;
        }
    }

    private static IEnumerable<Plot> Panels(MetricsLog log)
    {
        var epochs = log.Steps.Select(s => s.Epochs).ToArray();
        var loss = Panel("Training loss", "loss");
        Line(loss, epochs, log.Steps.Select(s => s.Loss), "total");
        // Every term and part the run logged (loss_<term>, loss_<term>_<part>), labelled without the prefix;
        // a term that is the total (the only objective, weight 1) would only hide the total's line.
        foreach (var name in log.Steps.SelectMany(s => s.Losses.Keys).Where(k => k != "loss").Distinct())
        {
            var values = log.Steps.Select(s => s.Losses.GetValueOrDefault(name, double.NaN)).ToArray();
            if (values.Zip(log.Steps, (v, s) => v == s.Loss).All(same => same)) continue;
            Line(loss, epochs, values, name["loss_".Length..]);
        }
        loss.ShowLegend(Edge.Right); // beside the data: the curves' ends are what one reads
        yield return loss;

        var lr = Panel("Learning rate", "lr");
        Line(lr, epochs, log.Steps.Select(s => s.Lr), "lr");
        lr.HideLegend(); // one series: the title names it
        yield return lr;

        var plotted = log.Evaluations.Where(kv => !NotPlotted().IsMatch(kv.Key)).ToList();
        var accuracy = Panel("Evaluation: top-1 accuracy", "%");
        foreach (var (name, points) in plotted.Where(kv => Accuracy().IsMatch(kv.Key)))
            Line(accuracy, points.Select(p => (double)p.Epoch).ToArray(), points.Select(p => p.Value), name, markers: true);
        accuracy.ShowLegend(Edge.Right); // many series: beside the data, not over it
        yield return accuracy;

        var others = plotted.Where(kv => !Accuracy().IsMatch(kv.Key)).ToList();
        if (others.Count > 0)
        {
            var other = Panel("Evaluation: other metrics", "value");
            foreach (var (name, points) in others)
                Line(other, points.Select(p => (double)p.Epoch).ToArray(), points.Select(p => p.Value), name, markers: true);
            other.ShowLegend(Edge.Right);
            yield return other;
        }
        else
        {
            var speed = Panel("Training throughput", "images / s");
            Line(speed, log.Throughput.Select(t => (double)t.Epoch).ToArray(), log.Throughput.Select(t => t.ImagesPerSecond), "images/s", markers: true);
            speed.HideLegend();
            yield return speed;
        }
    }

    private static Plot Panel(string title, string yLabel)
    {
        var plot = new Plot();
        PlotFont.Apply(plot);
        plot.Title(title, 14);
        plot.XLabel("epoch", 12);
        plot.YLabel(yLabel, 12);
        return plot;
    }

    private static void Line(Plot plot, double[] xs, IEnumerable<double> values, string label, bool markers = false)
    {
        var ys = values.ToArray();
        var finite = Enumerable.Range(0, ys.Length).Where(i => double.IsFinite(ys[i])).ToArray();
        if (finite.Length == 0) return;
        var line = plot.Add.Scatter(finite.Select(i => xs[i]).ToArray(), finite.Select(i => ys[i]).ToArray());
        line.LegendText = label;
        line.LineWidth = 1.5f;
        line.MarkerSize = markers ? 6 : 0;
    }
}
