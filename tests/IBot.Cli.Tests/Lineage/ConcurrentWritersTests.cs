using System.Diagnostics;
using IBot.Pipeline.Lineage.Lite;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;

namespace IBot.Cli.Tests.Lineage;

/// <summary>Two real ibot processes write runs into one lineage database at the same time, one
/// small unit of work per event as ibot run does: every run, status and metric must be there.</summary>
public sealed class ConcurrentWritersTests : IDisposable
{
    private readonly string workspace = Directory.CreateTempSubdirectory("ibot-lineage-concurrent-").FullName;

    private Process Start(string prefix, int runs)
    {
        var ibot = Path.Combine(AppContext.BaseDirectory, "ibot.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { ibot, "lineage-load", "--workspace", workspace, "--runs", runs.ToString(), "--prefix", prefix,
                     "--ready", Path.Combine(workspace, $"ready-{prefix}"), "--go", Path.Combine(workspace, "go") })
            info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    [Fact]
    public async Task Two_processes_writing_at_once_lose_nothing()
    {
        const int runs = 80;
        using var a = Start("a", runs);
        using var b = Start("b", runs);
        // Both processes up and waiting before either writes, so their writes meet.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!(File.Exists(Path.Combine(workspace, "ready-a")) && File.Exists(Path.Combine(workspace, "ready-b"))) && DateTime.UtcNow < deadline && !a.HasExited && !b.HasExited)
            await Task.Delay(10);
        File.WriteAllText(Path.Combine(workspace, "go"), "");
        var outputs = await Task.WhenAll(a.StandardOutput.ReadToEndAsync(), b.StandardOutput.ReadToEndAsync(), a.StandardError.ReadToEndAsync(), b.StandardError.ReadToEndAsync());
        await Task.WhenAll(a.WaitForExitAsync(), b.WaitForExitAsync());
        Assert.True(a.ExitCode == 0, string.Join("\n", outputs));
        Assert.True(b.ExitCode == 0, string.Join("\n", outputs));

        var store = new LiteLineageStore(Path.Combine(workspace, "lineage.db"));
        var all = store.QueryRuns(new RunQuery(null, "created", 1000));
        Assert.Equal(2 * runs, all.Matched);
        foreach (var prefix in new[] { "a", "b" })
        {
            var mine = store.QueryRuns(new RunQuery($"name = '{prefix}' and status = 'completed'", "params.index", 1000)).Runs;
            Assert.Equal(runs, mine.Count);
            for (var i = 0; i < runs; i++)
            {
                Assert.Equal($"{prefix}-{i:D5}", mine[i].Id);
                Assert.Equal([RunState.Running, RunState.Completed], mine[i].History.Select(h => h.Status));
                Assert.Equal(i, mine[i].Metrics["knn_top1"].Last);
                Assert.Single(store.MetricsOf(mine[i].Id));
            }
            // The query columns agree with the records.
            Assert.Equal(runs / 2, store.QueryRuns(new RunQuery($"name = '{prefix}' and metrics.knn_top1 < {runs / 2}")).Matched);
        }
        // The writers really were at work at once: their write windows overlap. (Their runs need
        // not interleave: the file lock is not fair, so one writer may take several turns in a row.)
        var (aStart, aEnd) = Window(outputs[0]);
        var (bStart, bEnd) = Window(outputs[1]);
        Assert.True(aStart < bEnd && bStart < aEnd, $"the writers did not overlap: a {aStart}-{aEnd}, b {bStart}-{bEnd}");
    }

    private static (long Start, long End) Window(string output)
    {
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var root = json.RootElement;
        return (root.GetProperty("started_ticks").GetInt64(), root.GetProperty("finished_ticks").GetInt64());
    }

    public void Dispose() => Directory.Delete(workspace, recursive: true);
}
