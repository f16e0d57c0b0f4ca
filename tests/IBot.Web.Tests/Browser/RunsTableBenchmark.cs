using System.Globalization;
using System.Text.Json;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Bench;
using Xunit.Abstractions;

namespace IBot.Web.Tests.Browser;

/// <summary>
/// The runs table's time to first render in chromium at 10,000 runs (the browser's first-contentful-paint, measured
/// from the start of navigation), as a benchmark that prints numbers, never a timed test: it runs only when
/// <c>IBOT_UI_BENCH=1</c> and checks nothing but that the page rendered the 50 rows it should. A page without a table is timed too: the floor the
/// browser itself sets on the machine.
/// <c>IBOT_UI_BENCH=1 dotnet test tests/IBot.Web.Tests --filter FullyQualifiedName~RunsTableBenchmark --logger "console;verbosity=detailed"</c>
/// </summary>
public sealed class RunsTableBenchmark(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-ui-bench-").FullName;

    [SkippableFact]
    public void First_render_of_the_runs_table_at_10000_runs()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("IBOT_UI_BENCH") == "1", "a benchmark: set IBOT_UI_BENCH=1 to run it");
        Chromium.Require();
        var workspace = new Workspace(Path.Combine(dir, "ws"));
        Directory.CreateDirectory(workspace.Root);
        LineageBenchmark.Fill(LineageStores.Open(workspace), 10_000);
        var (ui, url) = UiWorkspace.StartUi(workspace.Root);
        using var browser = new BrowserSession();
        try
        {
            var pages = new[]
            {
                "/",
                "/?where=" + Uri.EscapeDataString(LineageBenchmark.Where) + "&sort=" + Uri.EscapeDataString(LineageBenchmark.Sort),
                "/?sort=-metrics.loss&cols=" + Uri.EscapeDataString("params.train.optimizer.lr,metrics.knn_top1") + "&group=1&page=100",
                // The floor: a page with no table, same stylesheet and script (what the browser itself takes on this machine).
                "/compare",
            };
            var results = new List<object>();
            foreach (var page in pages)
            {
                var paints = new List<double>();
                var responses = new List<double>();
                for (var i = 0; i < 11; i++)
                {
                    browser.Open(url + page);
                    Assert.Equal(page == "/compare" ? 0 : 50, browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector("#runs tbody tr[data-run]")).Count);
                    // The paint entry is reported just after the paint: wait for it.
                    var timing = (IReadOnlyDictionary<string, object>)browser.Until(_ => browser.Script(
                        "const p = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');" +
                        "const n = performance.getEntriesByType('navigation')[0];" +
                        "return p ? { fcp: p.startTime, response: n.responseEnd - n.requestStart } : null;"), "the first-contentful-paint entry")!;
                    paints.Add(Convert.ToDouble(timing["fcp"], CultureInfo.InvariantCulture));
                    responses.Add(Convert.ToDouble(timing["response"], CultureInfo.InvariantCulture));
                }
                Assert.All(paints, p => Assert.True(p > 0, "no first-contentful-paint entry"));
                var rest = paints.Skip(1).Order().ToList();
                results.Add(new
                {
                    page,
                    first_paint_ms = Math.Round(paints[0], 1),
                    median_paint_ms = Math.Round(rest[rest.Count / 2], 1),
                    max_paint_ms = Math.Round(rest[^1], 1),
                    median_response_ms = Math.Round(responses.Skip(1).Order().ElementAt(rest.Count / 2), 1),
                });
            }
            output.WriteLine(JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        }
        finally
        {
            ui.Kill(entireProcessTree: true);
            ui.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // The killed UI may still hold the database for a moment.
        }
    }
}
