using System.Diagnostics;
using IBot.Pipeline.Lineage.Lite;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;

namespace IBot.Pipeline.Lineage.Bench;

/// <summary>
/// Insert and query latency of the LiteDB lineage store at growing sizes. Runs look like real
/// ones: about 45 spec keys (numbers and text, a swept learning rate and masking ratio), a status,
/// and k-NN and loss metric series.
/// </summary>
public static class LineageBenchmark
{
    public const string Where = "metrics.knn_top1 > 70 and params.train.optimizer.lr in (5e-4, 1e-3) and status = 'completed'";
    public const string Sort = "-metrics.knn_top1";

    public static IEnumerable<LineageBenchmarkResult> Run(string folder, IReadOnlyList<int> sizes, int singleInserts = 20, int queries = 7)
    {
        var store = new LiteLineageStore(Path.Combine(folder, "lineage.db"));
        var random = new Random(7);
        var count = 0;
        foreach (var size in sizes.Order())
        {
            var bulk = Stopwatch.StartNew();
            var bulkRuns = 0;
            while (count < size - singleInserts)
            {
                var batch = new LineageBatch();
                for (var i = 0; i < 1000 && count < size - singleInserts; i++, bulkRuns++) Add(batch, count++, random);
                store.Write(batch);
            }
            var bulkMs = bulkRuns == 0 ? 0 : bulk.Elapsed.TotalMilliseconds / bulkRuns;
            var single = Stopwatch.StartNew();
            var singles = 0;
            for (; count < size; count++, singles++)
            {
                var batch = new LineageBatch();
                Add(batch, count, random);
                store.Write(batch);
            }
            var singleMs = singles == 0 ? 0 : single.Elapsed.TotalMilliseconds / singles;
            var times = new List<double>();
            var matched = 0;
            for (var q = 0; q < queries; q++)
            {
                var watch = Stopwatch.StartNew();
                matched = store.QueryRuns(new RunQuery(Where, Sort, 20)).Matched;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            var first = times[0];
            times.Sort();
            yield return new LineageBenchmarkResult(size, Math.Round(bulkMs, 3), Math.Round(singleMs, 2), Math.Round(times[times.Count / 2], 1), Math.Round(first, 1),
                matched, Where, Sort, Math.Round(new FileInfo(store.DatabasePath).Length / 1e6, 1));
        }
    }

    /// <summary>Adds <paramref name="runs"/> runs like the benchmark's to <paramref name="store"/>, 1,000 per batch
    /// (the web UI's benchmark fills a workspace with them).</summary>
    public static void Fill(ILineageStore store, int runs, int seed = 7)
    {
        var random = new Random(seed);
        for (var n = 0; n < runs;)
        {
            var batch = new LineageBatch();
            for (var i = 0; i < 1000 && n < runs; i++) Add(batch, n++, random);
            store.Write(batch);
        }
    }

    private static readonly double[] Rates = [2.5e-4, 5e-4, 1e-3, 2e-3];
    private static readonly string[] Kinds = ["block", "random"];

    private static void Add(LineageBatch batch, int n, Random random)
    {
        var id = $"bench-{n:D7}";
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(n);
        var status = random.NextDouble() < 0.8 ? RunState.Completed : RunState.Failed;
        var run = new RunRecord
        {
            Id = id, Name = $"sweep-{n / 100}", SpecHash = $"{n:x16}", Created = at, Updated = at, Status = status,
            History = [new StatusChange(id, RunState.Running, at), new StatusChange(id, status, at.AddMinutes(30))], Device = "cuda:0",
        };
        var p = run.Params;
        p["name"] = LineageValue.Of(run.Name);
        p["seed"] = LineageValue.Of(n % 5);
        p["train.optimizer.lr"] = LineageValue.Of(Rates[random.Next(Rates.Length)]);
        p["masking.kind"] = LineageValue.Of(Kinds[random.Next(Kinds.Length)]);
        p["masking.ratio.0"] = LineageValue.Of(random.Next(3) * 0.1);
        p["masking.ratio.1"] = LineageValue.Of(0.3 + random.Next(3) * 0.1);
        foreach (var (key, value) in Common) p[key] = value;
        batch.Runs.Add(run);
        for (var epoch = 1; epoch <= 3; epoch++)
        {
            batch.Metrics.Add(new MetricPoint(id, "knn_top1", 40 + random.NextDouble() * 40, epoch, epoch * 100, at.AddMinutes(epoch * 10)));
            batch.Metrics.Add(new MetricPoint(id, "loss", 11 - epoch - random.NextDouble(), epoch, epoch * 100, at.AddMinutes(epoch * 10)));
        }
    }

    private static readonly (string, LineageValue)[] Common = Enumerable.Range(0, 39)
        .Select(i => ($"section{i % 7}.option{i}", i % 3 == 0 ? LineageValue.Of($"value{i}") : LineageValue.Of(i * 0.5)))
        .ToArray();
}
