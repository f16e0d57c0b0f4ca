using System.Text.Json;

namespace IBot.Pipeline.Documents;

/// <summary>
/// A run's measurements as curves, read from its <c>metrics.jsonl</c> (written line by line while it trains, so
/// a reader sees every step logged so far): each loss term, the learning rate and the other step scalars by
/// iteration, each evaluation metric by epoch. <see cref="Lines"/> counts the complete lines read, so a page
/// that polls can tell whether anything is new. The web UI's charts draw these.
/// </summary>
public sealed record MetricSeriesDocument(string Run, string Status, int Lines, IReadOnlyList<MetricSeriesDocument.Series> Curves)
{
    /// <summary>Step keys that are not measurements.</summary>
    private static readonly HashSet<string> StepFields = ["type", "epoch", "iteration", "iterations_per_epoch"];

    /// <summary>Step scalars that are schedules or speed, not loss terms.</summary>
    private static readonly HashSet<string> Schedules = ["lr", "wd", "momentum", "images_per_second"];

    /// <summary>One curve: its name, its group (<c>loss</c>, <c>schedule</c>, <c>eval</c>), what x counts
    /// (<c>iteration</c> or <c>epoch</c>) and its points as [x, y] pairs in the order recorded.</summary>
    public sealed record Series(string Name, string Group, string X, IReadOnlyList<double[]> Points);

    /// <summary>The curves of <paramref name="metricsFile"/>; none when it does not exist yet. A last line still
    /// being written (no newline yet, or not JSON) is left for the next read.</summary>
    public static MetricSeriesDocument Read(string run, string status, string metricsFile)
    {
        var curves = new Dictionary<string, (string Group, string X, List<double[]> Points)>(StringComparer.Ordinal);
        var lines = 0;
        if (File.Exists(metricsFile))
        {
            string text;
            using (var stream = new FileStream(metricsFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream))
                text = reader.ReadToEnd();
            var end = text.LastIndexOf('\n');
            foreach (var line in (end < 0 ? "" : text[..end]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TryParse(line, out var json)) continue;
                lines++;
                using (json) Add(curves, json.RootElement);
            }
        }
        return new MetricSeriesDocument(run, status, lines, curves.Select(c => new Series(c.Key, c.Value.Group, c.Value.X, c.Value.Points)).ToList());
    }

    private static bool TryParse(string line, out JsonDocument json)
    {
        try
        {
            json = JsonDocument.Parse(line);
            return json.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            json = null!;
            return false;
        }
    }

    private static void Add(Dictionary<string, (string, string, List<double[]>)> curves, JsonElement line)
    {
        var type = line.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type == "step" && line.TryGetProperty("iteration", out var it) && it.TryGetDouble(out var x))
        {
            foreach (var p in line.EnumerateObject())
                if (!StepFields.Contains(p.Name) && p.Value.ValueKind == JsonValueKind.Number)
                    Point(curves, p.Name, Schedules.Contains(p.Name) ? "schedule" : "loss", "iteration", x, p.Value.GetDouble());
        }
        else if (type == "eval" && line.TryGetProperty("name", out var n) && n.GetString() is { } name
                 && line.TryGetProperty("epoch", out var e) && e.TryGetDouble(out var epoch)
                 && line.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number)
            Point(curves, name, "eval", "epoch", epoch, v.GetDouble());
    }

    private static void Point(Dictionary<string, (string, string, List<double[]>)> curves, string name, string group, string x, double at, double value)
    {
        if (!double.IsFinite(value)) return;
        if (!curves.TryGetValue(name, out var curve)) curves[name] = curve = (group, x, []);
        curve.Item3.Add([at, value]);
    }
}
