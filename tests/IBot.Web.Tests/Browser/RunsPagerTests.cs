using System.Diagnostics;
using System.Globalization;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Bench;
using OpenQA.Selenium;

namespace IBot.Web.Tests.Browser;

/// <summary>
/// The runs table's pager in a real browser: a workspace of 120 recorded runs (the lineage benchmark's, one a minute,
/// so the default newest-first order is known run by run) and <c>ibot ui</c> over it. "next" and "previous" change the
/// rows shown and the "first–last of N" indicator, and keep the filter and the sort.
/// </summary>
public sealed class RunsPagerTests : IDisposable
{
    private const int Runs = 120;

    private readonly string dir = Directory.CreateTempSubdirectory("ibot-ui-pager-").FullName;
    private readonly BrowserSession browser = new();
    private Process? ui;

    private IWebDriver Driver => browser.Driver;

    private static string Id(int n) => $"bench-{n:D7}";

    private string Start()
    {
        var workspace = new Workspace(Path.Combine(dir, "ws"));
        Directory.CreateDirectory(workspace.Root);
        LineageBenchmark.Fill(LineageStores.Open(workspace), Runs);
        (ui, var url) = UiWorkspace.StartUi(workspace.Root);
        return url;
    }

    private List<string> Rows() => Driver.FindElements(By.CssSelector("#runs tbody tr[data-run]")).Select(r => r.GetAttribute("data-run")!).ToList();

    private string Count() => Driver.FindElement(By.Id("count")).Text;

    private bool Has(string id) => Driver.FindElements(By.Id(id)).Count > 0;

    /// <summary>Clicks the pager's link and waits for the page it leads to.</summary>
    private void Follow(string link, int page)
    {
        var before = Driver.Url;
        Driver.FindElement(By.Id(link)).Click();
        browser.Until(_ => Driver.Url != before && (page == 1 ? !Driver.Url.Contains("page=", StringComparison.Ordinal) : Driver.Url.Contains($"page={page}", StringComparison.Ordinal)), $"page {page}");
        browser.Until(d => ((IJavaScriptExecutor)d).ExecuteScript("return document.readyState") as string == "complete", $"page {page} to load");
    }

    [SkippableFact]
    public void Next_and_previous_page_through_the_runs_and_keep_the_filter_and_the_sort()
    {
        Chromium.Require();
        var url = Start();
        // Newest first: runs 119..70, 69..20, 19..0.
        List<string> Expected(int from, int to) => Enumerable.Range(to, from - to + 1).Reverse().Select(Id).ToList();

        browser.Open(url + "/");
        Assert.Equal(Expected(119, 70), Rows());
        Assert.Equal($"1–50 of {Runs} matching runs", Count());
        Assert.False(Has("prev"));

        Follow("next", 2);
        Assert.Equal(Expected(69, 20), Rows());
        Assert.Equal($"51–100 of {Runs} matching runs", Count());
        Assert.True(Has("prev"));

        Follow("next", 3);
        Assert.Equal(Expected(19, 0), Rows());
        Assert.Equal($"101–120 of {Runs} matching runs", Count());
        Assert.False(Has("next"));

        Follow("prev", 2);
        Assert.Equal(Expected(69, 20), Rows());
        Assert.Equal($"51–100 of {Runs} matching runs", Count());
        Follow("prev", 1);
        Assert.Equal(Expected(119, 70), Rows());
        Assert.Equal($"1–50 of {Runs} matching runs", Count());
        browser.NoConsoleErrors();

        // Filtered (seed = n % 5, so 96 of the 120 have seed < 4) and sorted by id: the second page goes on from the
        // first in that order, with the query still in the box.
        var matching = Enumerable.Range(0, Runs).Where(n => n % 5 < 4).Select(Id).ToList();
        Driver.FindElement(By.Id("where")).SendKeys("params.seed < 4");
        Driver.FindElement(By.Id("filter")).Click();
        browser.Until(_ => Driver.Url.Contains("where=", StringComparison.Ordinal), "the filtered page");
        Driver.FindElement(By.CssSelector("a.sort[data-key='id']")).Click();
        browser.Until(_ => Driver.Url.Contains("sort=id", StringComparison.Ordinal), "the sorted page");
        Assert.Equal(matching.Take(50), Rows());
        Assert.Equal($"1–50 of {matching.Count} matching runs", Count());
        Follow("next", 2);
        Assert.Equal(matching.Skip(50), Rows());
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"51–{matching.Count} of {matching.Count} matching runs"), Count());
        Assert.Equal("params.seed < 4", Driver.FindElement(By.Id("where")).GetAttribute("value"));
        Assert.False(Has("next"));
        Follow("prev", 1);
        Assert.Equal(matching.Take(50), Rows());
        browser.NoConsoleErrors();
    }

    public void Dispose()
    {
        browser.Dispose();
        if (ui is { HasExited: false }) ui.Kill(entireProcessTree: true);
        ui?.WaitForExit(10_000);
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
