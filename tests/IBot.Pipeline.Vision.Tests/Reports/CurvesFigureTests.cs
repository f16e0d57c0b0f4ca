using System.Text.Json;
using IBot.Pipeline.Vision.Reports;
using ScottPlot;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IBot.Pipeline.Vision.Tests.Reports;

public sealed class CurvesFigureTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ibot-curves-").FullName;

    /// <summary>Three epochs of ten iterations logged every other iteration, plus evaluations.</summary>
    private void WriteMetrics(bool withIterationsPerEpoch = true)
    {
        var lines = new List<object>();
        for (var epoch = 0; epoch < 3; epoch++)
        {
            for (var it = 1; it < 10; it += 2)
            {
                var global = epoch * 10 + it;
                var loss = 10.0 * Math.Exp(-global / 15.0);
                lines.Add(withIterationsPerEpoch
                    ? new { type = "step", epoch, iteration = global, iterations_per_epoch = 10, loss, loss_cls = loss * 0.6, loss_patch = loss * 0.4, lr = 1e-3 * Math.Cos(global / 20.0), wd = 0.04 }
                    : (object)new { type = "step", epoch, iteration = global, loss, loss_cls = loss * 0.6, loss_patch = loss * 0.4, lr = 1e-3 * Math.Cos(global / 20.0), wd = 0.04 });
            }
            lines.Add(new { type = "epoch", epoch = epoch + 1, seconds = 10.0, images_per_second = 30.0 + epoch });
        }
        for (var epoch = 0; epoch <= 3; epoch++)
        {
            lines.Add(new { type = "eval", epoch, name = "knn_top1", value = 40.0 + 5 * epoch });
            lines.Add(new { type = "eval", epoch, name = "knn_top1_k20", value = 40.0 + 5 * epoch });
            lines.Add(new { type = "eval", epoch, name = "linear_top1", value = 50.0 + 6 * epoch });
            lines.Add(new { type = "eval", epoch, name = "linear_best_lr", value = 0.01 });
            lines.Add(new { type = "eval", epoch, name = "clustering_nmi", value = 0.1 * epoch });
        }
        File.WriteAllLines(Path.Combine(folder, "metrics.jsonl"), lines.Select(l => JsonSerializer.Serialize(l)).Append("{\"type\": \"step\", \"epo"));
    }

    [Fact]
    public void Draws_four_panels_of_the_right_size_with_every_series()
    {
        WriteMetrics();
        var path = CurvesFigure.Write(folder);
        Assert.Equal(Path.Combine(folder, "figures", "curves.png"), path);
        using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(path);
        Assert.Equal((CurvesFigure.Width, CurvesFigure.Height), (image.Width, image.Height));

        // Every quadrant holds a coloured curve (not just white, black and grey axes and text).
        for (var q = 0; q < 4; q++)
        {
            var (x0, y0) = (q % 2 * image.Width / 2, q / 2 * image.Height / 2);
            var coloured = 0;
            for (var y = y0; y < y0 + image.Height / 2; y++)
                for (var x = x0; x < x0 + image.Width / 2; x++)
                {
                    var p = image[x, y];
                    if (Math.Max(p.R, Math.Max(p.G, p.B)) - Math.Min(p.R, Math.Min(p.G, p.B)) > 60) coloured++;
                }
            Assert.True(coloured > 200, $"quadrant {q}: {coloured} coloured pixels");
        }
    }

    [Fact]
    public void Reads_steps_in_epochs_with_or_without_the_iterations_per_epoch_and_skips_a_torn_line()
    {
        WriteMetrics(withIterationsPerEpoch: false);
        var log = MetricsLog.Read(Path.Combine(folder, "metrics.jsonl"));
        Assert.Equal(15, log.Steps.Count);
        Assert.Equal(0.2, log.Steps[0].Epochs, 12);   // iteration 1 of 10
        Assert.Equal(3.0, log.Steps[^1].Epochs, 12);  // iteration 29
        Assert.Equal([0, 1, 2, 3], log.Evaluations["linear_top1"].Select(p => p.Epoch));
        Assert.Equal(3, log.Throughput.Count);
    }

    [Fact]
    public void Without_metrics_there_is_no_figure_and_failures_are_reported_not_thrown()
    {
        Assert.Null(CurvesFigure.Write(folder));
        WriteMetrics();
        Directory.CreateDirectory(Path.Combine(folder, "figures", "curves.png")); // a folder where the file must go
        var messages = new List<string>();
        Assert.Null(CurvesFigure.TryWrite(folder, messages.Add));
        Assert.Single(messages);
    }

    [Fact]
    public void Text_is_drawn_with_the_embedded_font()
    {
        Assert.Equal("DejaVu Sans", PlotFont.Typeface.FamilyName);
        Assert.True(PlotFont.Typeface.ContainsGlyphs("epoch loss [CLS] top-1 %"));
        static int Dark(string title)
        {
            var plot = new Plot();
            PlotFont.Apply(plot);
            plot.Title(title, 30);
            var bytes = plot.GetImage(400, 300).GetImageBytes(ImageFormat.Png);
            using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(bytes);
            var dark = 0;
            for (var y = 0; y < 60; y++)
                for (var x = 0; x < 400; x++)
                    if (image[x, y].R < 128) dark++;
            return dark;
        }
        var (without, with) = (Dark(""), Dark("Training loss"));
        Assert.True(with - without > 300, $"{with} dark pixels with a title, {without} without");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
