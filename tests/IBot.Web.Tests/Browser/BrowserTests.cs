using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using IBot.Pipeline.Hosting;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;

namespace IBot.Web.Tests.Browser;

/// <summary>
/// <c>ibot ui</c> in a real browser over real runs: each page loads with a clean console, the runs table filters with the
/// query language and sorts, a run's chart shows the values its metrics.jsonl holds (hover, zoom, log scale) and gains
/// points while it trains, two runs compare, lineage nodes click through, and a queued run is re-prioritised, cancelled
/// and a spec submitted with its errors shown by line, and one picked from the specs folder's list. Screenshots for
/// README when IBOT_UI_SCREENSHOTS is set.
/// </summary>
[Collection(UiCollection.Name)]
public sealed class BrowserTests(UiWorkspace ws, BrowserSession browser) : IClassFixture<BrowserSession>
{
    private IWebDriver Driver => browser.Driver;

    private IReadOnlyList<IWebElement> Rows => Driver.FindElements(By.CssSelector("#runs tbody tr[data-run]"));

    [SkippableFact]
    public void The_runs_table_filters_with_the_query_language_sorts_and_shows_errors_by_column()
    {
        Chromium.Require();
        browser.Open(ws.Url + "/");
        Assert.Contains(Rows, r => r.GetAttribute("data-run") == ws.RunA);
        Assert.Contains(Rows, r => r.GetAttribute("data-run") == ws.RunB);
        // The run named with a script tag is shown as text and never ran.
        Assert.Equal(UiWorkspace.ScriptName, Driver.FindElement(By.CssSelector($"tr[data-run='{ws.RunA}'] td.name")).Text);
        Assert.Equal("undefined", browser.Script("return typeof window.__xss"));
        browser.Shot("runs");
        browser.NoConsoleErrors();

        Driver.FindElement(By.Id("where")).SendKeys("params.train.epochs = 2 and kind = 'training'");
        Driver.FindElement(By.Id("filter")).Click();
        browser.Until(_ => Driver.Url.Contains("where=", StringComparison.Ordinal), "the filtered page");
        Assert.Equal([ws.RunA], Rows.Select(r => r.GetAttribute("data-run")));
        Assert.Contains("params.train.epochs", Driver.FindElements(By.CssSelector("#runs th")).Select(t => t.Text));
        Assert.Equal("1–1 of 1 matching run", Driver.FindElement(By.Id("count")).Text);

        // Sorting by a header: ascending, then descending on a second click.
        browser.Open(ws.Url + "/");
        Driver.FindElement(By.CssSelector("a.sort[data-key='name']")).Click();
        browser.Until(_ => Driver.Url.Contains("sort=name", StringComparison.Ordinal), "the sorted page");
        var names = Driver.FindElements(By.CssSelector("#runs td.name")).Select(t => t.Text).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Driver.FindElement(By.CssSelector("a.sort[data-key='name']")).Click();
        browser.Until(_ => Driver.Url.Contains("sort=-name", StringComparison.Ordinal), "the page sorted descending");
        Assert.Equal(names.Order(StringComparer.Ordinal).Reverse(), Driver.FindElements(By.CssSelector("#runs td.name")).Select(t => t.Text));

        // A mistake is shown as the CLI shows it: the message with its column, a caret under it.
        var where = Driver.FindElement(By.Id("where"));
        where.Clear();
        where.SendKeys("name = alpha");
        Driver.FindElement(By.Id("filter")).Click();
        var error = browser.Until(d => d.FindElement(By.Id("query-error")), "the query error");
        Assert.Contains("--where: column 8: ", error.Text, StringComparison.Ordinal);
        Assert.Contains("name = alpha\n       ^", error.FindElement(By.TagName("pre")).Text, StringComparison.Ordinal);
        browser.NoConsoleErrors();
    }

    [SkippableFact]
    public void The_console_check_sees_an_error_the_page_logs()
    {
        Chromium.Require();
        browser.Open(ws.Url + "/");
        browser.NoConsoleErrors();
        browser.Script("console.error('a deliberate error');");
        var seen = Assert.ThrowsAny<Exception>(browser.NoConsoleErrors);
        Assert.Contains("a deliberate error", seen.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_runs_chart_shows_the_values_of_its_metrics_file_with_hover_zoom_and_log_scale()
    {
        Chromium.Require();
        browser.Open($"{ws.Url}/runs/{ws.RunA}");
        var steps = File.ReadAllLines(Path.Combine(ws.Workspace, ws.RunA, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.GetProperty("type").GetString() == "step").ToList();
        var chart = browser.Until(d => d.FindElement(By.CssSelector(".chart[data-chart='loss'][data-points]")), "the loss chart");
        // Every loss term, except one that is the total itself (the only objective), which is drawn once.
        var lossTerms = steps[0].EnumerateObject().Count(p => p.Name.StartsWith("loss", StringComparison.Ordinal)
            && (p.Name == "loss" || steps.Any(s => s.GetProperty(p.Name).GetDouble() != s.GetProperty("loss").GetDouble())));
        Assert.Equal(steps.Count * lossTerms, int.Parse(chart.GetAttribute("data-points")!, CultureInfo.InvariantCulture));
        Assert.Equal(UiWorkspace.ScriptName, Driver.FindElement(By.Id("run-name")).Text);
        Assert.Equal("undefined", browser.Script("return typeof window.__xss"));
        browser.Shot("run");

        // Hover: the tip names the iteration under the pointer and each term's value there, as logged.
        var plot = chart.FindElement(By.CssSelector("svg.plot"));
        new Actions(Driver).MoveToElement(plot, 40, 0).Perform();
        var tip = browser.Until(_ => chart.FindElement(By.CssSelector(".tip")) is { Displayed: true } t ? t : null, "the hover tip")!;
        var iteration = double.Parse(tip.GetAttribute("data-x")!, CultureInfo.InvariantCulture);
        var logged = steps.Single(s => s.GetProperty("iteration").GetDouble() == iteration);
        var shown = tip.FindElements(By.CssSelector(".tip-value")).ToDictionary(v => v.Text.Split(':')[0], v => double.Parse(v.GetAttribute("data-value")!, CultureInfo.InvariantCulture));
        Assert.Equal(logged.GetProperty("loss").GetDouble(), shown["loss"]);
        Assert.Equal(lossTerms, shown.Count);

        // Zoom by dragging across a part of the x axis; double-click restores the whole range.
        var path = Line(chart);
        new Actions(Driver).MoveToElement(plot, -200, 0).ClickAndHold().MoveToElement(plot, 0, 0).Release().Perform();
        Assert.NotEqual(path, Line(chart));
        new Actions(Driver).DoubleClick(plot).Perform();
        Assert.Equal(path, Line(chart));
        chart.FindElement(By.CssSelector("input.log")).Click();
        Assert.NotEqual(path, Line(chart));
        Assert.Contains(Driver.FindElements(By.CssSelector(".chart[data-chart='eval'] .legend .item")), i => i.Text == "knn_top1");
        Assert.Contains(ws.RunA, Driver.FindElement(By.Id("log")).Text, StringComparison.Ordinal);
        // The figures, loaded from the run folder: curves and the attention maps.
        var figures = Driver.FindElements(By.CssSelector("#figures img")).ToDictionary(i => i.GetAttribute("alt")!, i => i);
        Assert.Contains("figures/curves.png", figures.Keys);
        Assert.Contains(figures.Keys, k => k.StartsWith("figures/attention-epoch", StringComparison.Ordinal));
        Assert.All(figures.Values, i => Assert.True(Convert.ToInt64(browser.Script("return arguments[0].naturalWidth", i), CultureInfo.InvariantCulture) > 0, i.GetAttribute("alt")));
        browser.NoConsoleErrors();
    }

    private static string Line(IWebElement chart) => chart.FindElement(By.CssSelector("path.line[data-series='loss']")).GetAttribute("d")!;

    [SkippableFact]
    public async Task A_training_runs_chart_gains_points_without_a_reload()
    {
        Chromium.Require();
        var spec = ws.WriteSpec("live.yaml", UiWorkspace.TinySpec("live tiny", epochs: 400));
        using var run = Process.Start(UiWorkspace.Ibot(["run", spec, "--device", "cpu", "--workspace", ws.Workspace]))!;
        _ = run.StandardOutput.ReadToEndAsync();
        _ = run.StandardError.ReadToEndAsync();
        try
        {
            string? id = null;
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (id is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "the live run never showed as running");
                var list = await ws.Api("/api/runs?where=" + Uri.EscapeDataString("name = 'live tiny' and status = 'running'"));
                id = list.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetString()).FirstOrDefault();
                if (id is null) await Task.Delay(200);
            }
            browser.Open($"{ws.Url}/runs/{id}");
            Assert.Equal("true", Driver.FindElement(By.Id("charts")).GetAttribute("data-live"));
            int Points() => int.TryParse(Driver.FindElement(By.CssSelector(".chart[data-chart='loss']")).GetAttribute("data-points"), out var n) ? n : 0;
            var before = (int)browser.Until(_ => Points() is > 0 and var n ? n : (object?)null, "the first points")!;
            var url = Driver.Url;
            browser.Until(_ => Points() > before, "a new point on the loss chart", seconds: 60);
            Assert.Equal(url, Driver.Url);
            browser.Shot("run-live");
            // Stopped, the page's status follows without a reload, and polling ends.
            RunFiles.RequestCancel(Path.Combine(ws.Workspace, id));
            browser.Until(d => d.FindElement(By.Id("run-status")).Text != "running", "the status to change", seconds: 90);
            browser.NoConsoleErrors();
        }
        finally
        {
            if (!run.WaitForExit(60_000)) run.Kill(entireProcessTree: true);
        }
    }

    [SkippableFact]
    public void Two_runs_compare_with_their_spec_differences_highlighted_and_curves_overlaid()
    {
        Chromium.Require();
        browser.Open(ws.Url + "/");
        Driver.FindElement(By.CssSelector($"tr[data-run='{ws.RunA}'] input[type=checkbox]")).Click();
        Driver.FindElement(By.CssSelector($"tr[data-run='{ws.RunB}'] input[type=checkbox]")).Click();
        Driver.FindElement(By.Id("compare")).Click();
        browser.Until(_ => Driver.Url.Contains("/compare?", StringComparison.Ordinal), "the compare page");
        var differing = Driver.FindElements(By.CssSelector("#spec-diff tr.diff td:first-child")).Select(t => t.Text).ToList();
        Assert.Contains("train.epochs", differing);
        Assert.Contains("name", differing);
        Assert.DoesNotContain("train.batch_size", differing);
        Assert.Contains("train.batch_size", Driver.FindElements(By.CssSelector("#spec-same td:first-child")).Select(t => t.GetAttribute("textContent")));
        var legend = browser.Until(d => d.FindElements(By.CssSelector("#compare-charts .chart[data-chart='loss'] .legend .item")) is { Count: > 0 } l ? l : null, "the overlaid curves");
        Assert.Equal(new[] { ws.RunA, ws.RunB }.Order(StringComparer.Ordinal), legend!.Select(i => i.Text).Order(StringComparer.Ordinal));
        Assert.Equal(2, Driver.FindElements(By.CssSelector("#compare-charts .chart[data-chart='loss'] path.line")).Count);
        browser.Shot("compare");
        browser.NoConsoleErrors();
    }

    [SkippableFact]
    public void Three_runs_compare_with_every_difference_among_them_highlighted_and_three_curves_overlaid()
    {
        Chromium.Require();
        browser.Open(ws.Url + "/");
        foreach (var run in new[] { ws.RunA, ws.RunB, ws.RunC }) Driver.FindElement(By.CssSelector($"tr[data-run='{run}'] input[type=checkbox]")).Click();
        Driver.FindElement(By.Id("compare")).Click();
        browser.Until(_ => Driver.Url.Contains("/compare?", StringComparison.Ordinal), "the compare page");
        // One column per run, in the order the page gives them.
        var columns = Driver.FindElements(By.CssSelector("#spec-diff tr:first-child th")).Skip(1).Select(t => t.Text).ToList();
        Assert.Equal(new[] { ws.RunA, ws.RunB, ws.RunC }.Order(StringComparer.Ordinal), columns.Order(StringComparer.Ordinal));
        Assert.Equal(columns, Driver.FindElements(By.CssSelector("#compare-runs th a")).Select(a => a.Text));
        var differing = Driver.FindElements(By.CssSelector("#spec-diff tr.diff")).ToDictionary(
            r => r.FindElement(By.CssSelector("td:first-child")).Text,
            r => r.FindElements(By.CssSelector("td")).Skip(1).Select(t => t.Text).ToList());
        string[] Values(string a, string b, string c) =>
            columns.Select(id => id == ws.RunA ? a : id == ws.RunB ? b : c).ToArray();
        // Epochs and the attention-map evaluator set A apart; the backbone's depth only C: all are differences of the three.
        Assert.Equal(Values("2", "1", "1"), differing["train.epochs"]);
        Assert.Equal(Values("attention_maps", "", ""), differing["evaluate.1.kind"]);
        Assert.Equal(Values("1", "1", "2"), differing["backbone.depth"]);
        Assert.Equal(Values(UiWorkspace.ScriptName, "tiny b", "tiny c"), differing["name"]);
        Assert.Equal(["backbone.depth", "evaluate.1.images", "evaluate.1.kind", "name", "train.epochs"], differing.Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"Spec: 5 of {5 + Driver.FindElements(By.CssSelector("#spec-same tr")).Count - 1} keys differ",
            Driver.FindElement(By.XPath("//h2[starts-with(., 'Spec:')]")).Text);
        // Highlighted: a differing row's cells are drawn on another background than the page's other rows.
        var diffBackground = Driver.FindElement(By.CssSelector("#spec-diff tr.diff td")).GetCssValue("background-color");
        Assert.NotEqual(Driver.FindElement(By.CssSelector("#compare-runs td")).GetCssValue("background-color"), diffBackground);
        Assert.Contains("train.batch_size", Driver.FindElements(By.CssSelector("#spec-same td:first-child")).Select(t => t.GetAttribute("textContent")));

        // The curves: each chart has the three runs, each its own line and colour, named in the legend.
        var loss = browser.Until(d => d.FindElement(By.CssSelector("#compare-charts .chart[data-chart='loss']")) is var c
            && c.FindElements(By.CssSelector(".legend .item")).Count > 0 ? c : null, "the overlaid curves")!;
        Assert.Equal(columns, loss.FindElements(By.CssSelector(".legend .item")).Select(i => i.Text));
        var lines = loss.FindElements(By.CssSelector("path.line"));
        Assert.Equal(columns, lines.Select(l => l.GetAttribute("data-series")));
        Assert.Equal(3, lines.Select(l => l.GetAttribute("stroke")).Distinct().Count());
        Assert.All(lines, l => Assert.StartsWith("M", l.GetAttribute("d"), StringComparison.Ordinal));
        // A point per logged step of each run, as their metrics.jsonl files hold them.
        var steps = columns.Sum(id => File.ReadAllLines(Path.Combine(ws.Workspace, id, "metrics.jsonl"))
            .Count(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString() == "step"));
        Assert.Equal(steps, int.Parse(loss.GetAttribute("data-points")!, CultureInfo.InvariantCulture));
        Assert.Equal(columns, Driver.FindElements(By.CssSelector("#compare-charts .chart[data-chart='knn_top1'] .legend .item")).Select(i => i.Text));
        Assert.Equal(columns, Driver.FindElements(By.CssSelector("#metric-diff tr:first-child th")).Skip(1).Select(t => t.Text));
        browser.NoConsoleErrors();
    }

    [SkippableFact]
    public void The_lineage_picture_clicks_through_from_a_run_to_its_spec_and_back()
    {
        Chromium.Require();
        browser.Open($"{ws.Url}/lineage?id={ws.RunA}");
        var nodes = Driver.FindElements(By.CssSelector("svg#ancestors a.node"));
        Assert.Equal(ws.RunA, Driver.FindElement(By.CssSelector("svg#ancestors a.node.root")).GetAttribute("data-id"));
        var spec = nodes.Single(n => n.GetAttribute("data-id")!.StartsWith("spec:", StringComparison.Ordinal));
        Assert.NotEmpty(Driver.FindElements(By.CssSelector("svg#descendants a.node.artifact")));
        browser.Shot("lineage");
        var specId = spec.GetAttribute("data-id")!;
        spec.FindElement(By.TagName("text")).Click();
        browser.Until(_ => Driver.Url.Contains("id=spec", StringComparison.Ordinal), "the spec's lineage");
        Assert.Equal(specId, Driver.FindElement(By.CssSelector("svg#descendants a.node.root")).GetAttribute("data-id"));
        Driver.FindElement(By.CssSelector($"svg#descendants a.node[data-id='{ws.RunA}'] text")).Click();
        browser.Until(_ => Driver.Url.EndsWith($"id={ws.RunA}", StringComparison.Ordinal), "back at the run's lineage");
        browser.NoConsoleErrors();
    }

    [SkippableFact]
    public async Task A_queued_run_is_reprioritised_and_cancelled_and_a_spec_is_validated_before_it_is_queued()
    {
        Chromium.Require();
        var queued = ws.Queued[0];
        browser.Open(ws.Url + "/queue");
        browser.Shot("queue");
        var priority = Driver.FindElement(By.CssSelector($"tr[data-run='{queued}'] input.priority"));
        priority.Clear();
        priority.SendKeys("5");
        Driver.FindElement(By.CssSelector($"tr[data-run='{queued}'] button.set-priority")).Click();
        Assert.Equal($"{queued}: priority 5", browser.Until(d => d.FindElement(By.Id("notice")), "the notice").Text);
        Assert.Equal(5, Entry(await ws.Api("/api/queue"), queued).GetProperty("priority").GetInt32());

        Driver.FindElement(By.CssSelector($"tr[data-run='{queued}'] button.cancel")).Click();
        Assert.Equal($"cancelled {queued} (it had not started)", browser.Until(d => d.FindElement(By.Id("notice")), "the notice").Text);
        Assert.Empty(Driver.FindElements(By.CssSelector($"#queue tr[data-run='{queued}']")));
        Assert.Equal("cancelled", Entry(await ws.Api("/api/queue?all=1"), queued).GetProperty("state").GetString());
        Assert.Equal("cancelled", (await ws.Api($"/api/runs/{queued}")).GetProperty("run").GetProperty("status").GetString());
        browser.NoConsoleErrors();

        // A spec with a misspelt key: refused, the error beside its line, nothing queued.
        var bad = UiWorkspace.TinySpec("from the browser", epochs: 1).Replace("  epochs: 1", "  epochz: 1", StringComparison.Ordinal);
        var line = bad.Split('\n').ToList().FindIndex(l => l.Contains("epochz", StringComparison.Ordinal)) + 1;
        var before = (await ws.Api("/api/queue?all=1")).GetArrayLength();
        Submit(bad, "validate");
        var row = browser.Until(d => d.FindElement(By.CssSelector($"#spec-errors tr.bad[data-line='{line}']")), "the error by its line");
        Assert.Contains("epochz", row.Text, StringComparison.Ordinal);
        Assert.Contains("did you mean 'epochs'", row.Text, StringComparison.Ordinal);
        browser.Shot("queue-errors");
        Submit(bad, "submit");
        browser.Until(d => d.FindElement(By.CssSelector($"#spec-errors tr.bad[data-line='{line}']")), "the error again");
        Assert.Equal(before, (await ws.Api("/api/queue?all=1")).GetArrayLength());

        Submit(bad.Replace("epochz", "epochs", StringComparison.Ordinal), "submit");
        var notice = browser.Until(d => d.FindElement(By.Id("submit-result")), "the submission").Text;
        Assert.StartsWith("spec.yaml: queued 1 run: ", notice, StringComparison.Ordinal);
        var id = notice.Split(": ")[^1];
        Assert.Equal("queued", Entry(await ws.Api("/api/queue"), id).GetProperty("state").GetString());
        browser.NoConsoleErrors();

        // A spec of the specs folder, picked from the list: submitted where it lies, so its extends: tiny.yaml is found.
        browser.Open(ws.Url + "/queue");
        Assert.Equal(UiWorkspace.ListedSpecs, Driver.FindElements(By.CssSelector("#spec-path option")).Select(o => o.GetAttribute("value")));
        Driver.FindElement(By.CssSelector("#spec-path option[value='tiny-longer.yaml']")).Click();
        Driver.FindElement(By.Id("submit-listed")).Click();
        var listed = browser.Until(d => d.FindElement(By.Id("submit-result")), "the listed spec's submission").Text;
        Assert.StartsWith("tiny-longer.yaml: queued 1 run: ", listed, StringComparison.Ordinal);
        var listedId = listed.Split(": ")[^1];
        Assert.Equal("tiny longer", Driver.FindElement(By.CssSelector($"#queue tr[data-run='{listedId}'] td.name")).Text);
        Assert.Equal("queued", Entry(await ws.Api("/api/queue"), listedId).GetProperty("state").GetString());
        // Three epochs from the file, the batch size from the spec it extends.
        var parameters = (await ws.Api($"/api/runs/{listedId}")).GetProperty("run").GetProperty("params");
        Assert.Equal((3, 8), (parameters.GetProperty("train.epochs").GetInt32(), parameters.GetProperty("train.batch_size").GetInt32()));
        browser.NoConsoleErrors();
    }

    private void Submit(string spec, string action)
    {
        if (!Driver.Url.EndsWith("/queue", StringComparison.Ordinal)) browser.Open(ws.Url + "/queue");
        browser.Script("document.getElementById('spec-text').value = arguments[0];", spec);
        Driver.FindElement(By.Id(action)).Click();
        browser.Until(d => ((IJavaScriptExecutor)d).ExecuteScript("return document.readyState") as string == "complete", "the answer");
    }

    private static JsonElement Entry(JsonElement queue, string id) => queue.EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
}
