using System.Diagnostics;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage.Bench;
using IBot.Pipeline.Storage;

namespace IBot.Web;

/// <summary>
/// How long the runs table takes to reach a browser at a given number of runs: a workspace filled with the lineage
/// benchmark's runs, the UI on a free port, and for each page asked the time until its HTML and stylesheet have
/// arrived, which is all a first render needs (the table is rendered on the server; the script is deferred and
/// draws charts only). As <c>ibot ui</c> does, the UI loads its runs table once itself before the timings (reported as
/// the warm-up); the first request of each page is reported apart, then the median and the 95th percentile of the rest.
/// </summary>
public static class UiBenchmark
{
    /// <summary>One page's timings in milliseconds.</summary>
    /// <remarks>WarmUpMs: the load <c>ibot ui</c> makes itself before it prints its address (<see cref="UiApp.WarmUp"/>).</remarks>
    public sealed record Result(int Runs, string Page, double WarmUpMs, double FirstMs, double MedianMs, double P95Ms, int Bytes, int Repeats);

    public static async Task<IReadOnlyList<Result>> Run(string folder, int runs, int repeats, CancellationToken cancellationToken = default)
    {
        var workspace = new Workspace(folder);
        Directory.CreateDirectory(folder);
        var stores = StoreFactory.Lite.Open(StoreLocation.Workspace, workspace);
        var fill = Stopwatch.StartNew();
        LineageBenchmark.Fill(stores.Lineage, runs);
        Console.Error.WriteLine($"filled {runs:N0} runs in {fill.Elapsed.TotalSeconds:0.0} s");
        await using var app = UiApp.Build(new UiOptions { Stores = stores, Port = 0 });
        await app.StartAsync(cancellationToken);
        var warmUp = (await UiApp.WarmUp(app, null, cancellationToken)).TotalMilliseconds;
        using var http = new HttpClient { BaseAddress = new Uri(UiApp.Address(app)) };
        var pages = new[]
        {
            "/",
            "/?where=" + Uri.EscapeDataString(LineageBenchmark.Where) + "&sort=" + Uri.EscapeDataString(LineageBenchmark.Sort),
            "/?sort=-metrics.loss&cols=" + Uri.EscapeDataString("params.train.optimizer.lr,metrics.knn_top1") + "&group=1&page=100",
        };
        var results = new List<Result>();
        foreach (var page in pages)
        {
            var times = new List<double>();
            var bytes = 0;
            for (var i = 0; i <= repeats; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var watch = Stopwatch.StartNew();
                var html = await http.GetByteArrayAsync(page, cancellationToken);
                await http.GetByteArrayAsync("/assets/ui.css", cancellationToken);
                times.Add(watch.Elapsed.TotalMilliseconds);
                bytes = html.Length;
            }
            var first = times[0];
            var rest = times.Skip(1).Order().ToList();
            results.Add(new Result(runs, page, Math.Round(warmUp, 1), Math.Round(first, 1), Math.Round(rest[rest.Count / 2], 1), Math.Round(rest[(int)Math.Ceiling(rest.Count * 0.95) - 1], 1), bytes, repeats));
        }
        await app.StopAsync(cancellationToken);
        return results;
    }
}
