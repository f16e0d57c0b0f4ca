using System.Text.Json;

namespace IBot.Pipeline.Vision.Reports;

/// <summary>
/// A run's <c>metrics.jsonl</c> read back for figures: steps (the last record wins where a resumed
/// run logged an iteration twice), evaluation results by name and epoch, epoch throughput.
/// Lines that are not JSON objects (a crash mid-write) are skipped.
/// </summary>
public sealed class MetricsLog
{
    public IReadOnlyList<StepPoint> Steps { get; private init; } = [];

    /// <summary>Evaluation metric name → (epoch, value), by epoch.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(int Epoch, double Value)>> Evaluations { get; private init; } =
        new Dictionary<string, IReadOnlyList<(int, double)>>();

    /// <summary>Images per second of each finished epoch (1-based).</summary>
    public IReadOnlyList<(int Epoch, double ImagesPerSecond)> Throughput { get; private init; } = [];

    public static MetricsLog Read(string path)
    {
        var steps = new SortedDictionary<long, (int Epoch, int? PerEpoch, IReadOnlyDictionary<string, double> Losses, double Lr, double Wd)>();
        var evals = new Dictionary<string, SortedDictionary<int, double>>(StringComparer.Ordinal);
        var throughput = new SortedDictionary<int, double>();
        foreach (var line in File.ReadLines(path))
        {
            JsonDocument document;
            try { document = JsonDocument.Parse(line); }
            catch (JsonException) { continue; }
            using var _ = document;
            var e = document.RootElement;
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var type)) continue;
            switch (type.GetString())
            {
                case "step":
                    steps[e.GetProperty("iteration").GetInt64()] = (e.GetProperty("epoch").GetInt32(),
                        e.TryGetProperty("iterations_per_epoch", out var ipe) ? ipe.GetInt32() : null,
                        Losses(e), Number(e, "lr"), Number(e, "wd"));
                    break;
                case "eval":
                    var name = e.GetProperty("name").GetString() ?? "";
                    if (!evals.TryGetValue(name, out var series)) evals[name] = series = [];
                    series[e.GetProperty("epoch").GetInt32()] = Number(e, "value");
                    break;
                case "epoch":
                    throughput[e.GetProperty("epoch").GetInt32()] = Number(e, "images_per_second");
                    break;
            }
        }
        // Older logs lack iterations_per_epoch; an epoch's last iteration is always logged, so it follows.
        var perEpoch = steps.Values.FirstOrDefault(s => s.PerEpoch is not null).PerEpoch
            ?? (steps.Count == 0 ? 1 : (int)steps.Max(s => (s.Key + 1) / (s.Value.Epoch + 1)));
        return new MetricsLog
        {
            Steps = steps.Select(s => new StepPoint(s.Key, (s.Key + 1) / (double)(s.Value.PerEpoch ?? perEpoch), s.Value.Losses, s.Value.Lr, s.Value.Wd)).ToList(),
            Evaluations = evals.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<(int, double)>)kv.Value.Select(p => (p.Key, p.Value)).ToList(), StringComparer.Ordinal),
            Throughput = throughput.Select(t => (t.Key, t.Value)).ToList(),
        };
    }

    /// <summary>The step's losses: <c>loss</c> (the total) and every <c>loss_*</c> term and part, in file order.</summary>
    private static IReadOnlyDictionary<string, double> Losses(JsonElement e)
    {
        var losses = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
            if ((p.Name == "loss" || p.Name.StartsWith("loss_", StringComparison.Ordinal)) && p.Value.ValueKind == JsonValueKind.Number)
                losses[p.Name] = p.Value.GetDouble();
        return losses;
    }

    private static double Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
}
