using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using IBot.Cli;
using IBot.Cli.Infrastructure;
using IBot.Cli.Tests;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Storage;
using IBot.Web;
using Spectre.Console.Testing;

namespace IBot.Pipeline.Postgres.Tests;

/// <summary>
/// The web UI over a PostgreSQL store: real tiny runs and queued runs recorded by ibot in a database of the private
/// cluster (nothing in the workspace's LiteDB files), then the real <c>ibot ui --store URL</c> and
/// <c>ibot serve --ui</c> (store from <c>IBOT_STORE</c>) as child processes, checked over HTTP as a browser or a script
/// sees them, and the database checked directly after a cancel and a submission made in the UI.
/// </summary>
public sealed partial class UiOverPostgresTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-ui-pg-").FullName;
    private readonly StoreLocation location;
    private readonly List<Process> processes = [];

    public UiOverPostgresTests()
    {
        PostgresServer.SkipUnlessAvailable();
        location = PostgresServer.Shared.NewDatabase();
    }

    private string Workspace => Path.Combine(dir, "ws");

    private string Spec(string name, int epochs)
    {
        var path = Path.Combine(dir, $"{name.Replace(' ', '-')}.yaml");
        File.WriteAllText(path, TinySpecs.Training(name, (16, 24, 12), ["{ kind: knn, k: [5] }"], epochs: epochs, logEvery: 1));
        return path;
    }

    /// <summary><c>ibot ARGS --workspace WS --store URL</c> in this process; the command's JSON output.</summary>
    private async Task<JsonElement> Ibot(params string[] args)
    {
        var console = new TestConsole().Width(400);
        var code = await CliApp.RunAsync(console, [.. args, "--workspace", Workspace, "--store", location.Url!, "--json"], catalog: () => Catalog.Create([]));
        Assert.True(code == 0, console.Output);
        return JsonDocument.Parse(console.Output).RootElement.Clone();
    }

    private async Task<string> Run(string name, int epochs) =>
        (await Ibot("run", Spec(name, epochs), "--device", "cpu")).GetProperty("run_id").GetString()!;

    private async Task<string> Submit(string name) =>
        (await Ibot("submit", Spec(name, epochs: 1))).GetProperty("runs")[0].GetProperty("id").GetString()!;

    /// <summary>This build's ibot as a child process, without the test machine's store or UI token in its environment;
    /// the address of the UI once it printed its start line, which must name <paramref name="over"/>.</summary>
    private async Task<(Process Process, string Url)> Start(string over, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(CliApp).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove(StoreLocation.EnvironmentVariable);
        start.Environment.Remove(UiOptions.TokenVariable);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start)!;
        processes.Add(process);
        var errors = process.StandardError.ReadToEndAsync();
        var read = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
                if (line.StartsWith("ibot ui: http://", StringComparison.Ordinal)) return line;
            return null;
        });
        var started = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(90))) == read ? await read : null;
        Assert.True(started is not null, $"ibot {args[0]} did not start its UI: {(process.HasExited ? await errors : "(still running)")}");
        Assert.Contains(over, started, StringComparison.Ordinal);
        // Keep reading, so a full pipe never blocks it.
        _ = Task.Run(() => process.StandardOutput.ReadToEnd());
        return (process, started["ibot ui: ".Length..].Split(' ')[0]);
    }

    private static HttpClient Client(string url) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(url) };

    private static async Task<JsonElement> Api(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static List<string> Ids(JsonElement list) => list.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();

    private static string? Row(string html, string id) =>
        Regex.Match(html, $"<tr data-run=\"{Regex.Escape(id)}\">.*?</tr>", RegexOptions.Singleline) is { Success: true } m ? m.Value : null;

    [SkippableFact]
    public async Task Ibot_ui_with_store_lists_filters_and_opens_the_databases_runs_and_cancels_and_submits_in_its_queue()
    {
        var two = await Run("two epochs", epochs: 2);
        var one = await Run("one epoch", epochs: 1);
        var queued = await Submit("queued here");
        // Everything is in PostgreSQL: a UI reading the workspace's LiteDB files would see nothing.
        Assert.False(File.Exists(Path.Combine(Workspace, "lineage.db")));
        Assert.False(File.Exists(Path.Combine(Workspace, "queue.db")));

        var (_, url) = await Start($"store {location.Url}", new Dictionary<string, string>(), "ui", "--workspace", Workspace, "--store", location.Url!, "--port", "0");
        using var http = Client(url);

        // The runs API and the runs page, filtered with the query language.
        const string where = "params.train.epochs = 2 and kind = 'training'";
        var all = await Api(http, "/api/runs");
        Assert.Equal(3, all.GetProperty("matched").GetInt32());
        Assert.Equal(new[] { two, one, queued }.Order(StringComparer.Ordinal), Ids(all).Order(StringComparer.Ordinal));
        var filtered = await Api(http, "/api/runs?where=" + Uri.EscapeDataString(where));
        Assert.Equal(1, filtered.GetProperty("matched").GetInt32());
        Assert.Equal([two], Ids(filtered));
        var page = await http.GetStringAsync("/?where=" + Uri.EscapeDataString(where));
        Assert.NotNull(Row(page, two));
        Assert.Null(Row(page, one));
        Assert.Contains("1–1 of 1 matching run<", page, StringComparison.Ordinal);

        // A run's page, its details and its curves (read from its folder in the workspace).
        var runPage = await http.GetStringAsync($"/runs/{two}");
        Assert.Contains("<h1 id=\"run-name\">two epochs</h1>", runPage, StringComparison.Ordinal);
        Assert.Equal("completed", (await Api(http, $"/api/runs/{two}")).GetProperty("run").GetProperty("status").GetString());
        var metrics = await Api(http, $"/api/runs/{two}/metrics");
        Assert.Contains(metrics.GetProperty("curves").EnumerateArray(), c => c.GetProperty("name").GetString() == "loss" && c.GetProperty("points").GetArrayLength() > 0);
        using (var missing = await http.GetAsync("/runs/nosuchrun"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // The queue page shows the queued run; cancelling it with the page's form changes the PostgreSQL queue.
        var queuePage = await http.GetStringAsync("/queue");
        Assert.Contains("<span class=\"status queued\">queued</span>", Row(queuePage, queued), StringComparison.Ordinal);
        var csrf = Csrf().Match(queuePage).Groups[1].Value;
        Assert.NotEmpty(csrf);
        using (var cancel = await http.PostAsync("/queue/cancel", new FormUrlEncodedContent([new("__csrf", csrf), new("id", queued)])))
        {
            Assert.Equal(HttpStatusCode.Redirect, cancel.StatusCode);
            Assert.Equal($"/queue?notice={Uri.EscapeDataString($"cancelled {queued} (it had not started)")}", cancel.Headers.Location!.OriginalString);
        }
        var database = new PgDatabase(location);
        Assert.Equal(RunState.Cancelled, new PgRunQueue(database).Get(queued)!.State);
        Assert.Equal(RunState.Cancelled, new PgLineageStore(database).GetRun(queued)!.Status);
        Assert.Null(Row(await http.GetStringAsync("/queue"), queued));

        // A spec submitted from the queue page is queued in PostgreSQL, with its lineage there too.
        var text = await File.ReadAllTextAsync(Spec("from the ui", epochs: 1));
        using (var submit = await http.PostAsync("/queue/submit", new FormUrlEncodedContent([new("__csrf", csrf), new("spec", text), new("action", "submit")])))
        {
            var answer = await submit.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
            var submitted = SubmitResult().Match(answer);
            Assert.True(submitted.Success, answer);
            var id = submitted.Groups[1].Value;
            Assert.Equal(RunState.Queued, new PgRunQueue(database).Get(id)!.State);
            Assert.Equal("from the ui", new PgLineageStore(database).GetRun(id)!.Name);
        }
        Assert.False(File.Exists(Path.Combine(Workspace, "queue.db")));
        Assert.False(File.Exists(Path.Combine(Workspace, "lineage.db")));
    }

    [SkippableFact]
    public async Task Ibot_serve_with_ui_over_the_store_in_IBOT_STORE_serves_the_databases_runs()
    {
        var recorded = await Run("recorded", epochs: 1);
        var (serve, url) = await Start($"store {location.Url}", new Dictionary<string, string> { [StoreLocation.EnvironmentVariable] = location.Url! },
            "serve", "--workspace", Workspace, "--node", "ui-node", "--cpu-slots", "1", "--ui", "--ui-port", "0");
        using var http = Client(url);
        Assert.Equal([recorded], Ids(await Api(http, "/api/runs")));
        Assert.NotNull(Row(await http.GetStringAsync("/"), recorded));
        Assert.Contains("<h1 id=\"run-name\">recorded</h1>", await http.GetStringAsync($"/runs/{recorded}"), StringComparison.Ordinal);
        Assert.Equal(0, (await Api(http, "/api/queue")).GetArrayLength());
        Assert.False(File.Exists(Path.Combine(Workspace, "lineage.db")));
        Assert.False(serve.HasExited);
    }

    [SkippableFact]
    public async Task Ibot_ui_over_a_store_it_cannot_reach_fails_with_one_line_before_it_binds()
    {
        var console = new TestConsole().Width(400);
        const string unreachable = "postgres://ibot@127.0.0.1:1/none";
        var code = await CliApp.RunAsync(console, ["ui", "--workspace", Workspace, "--store", unreachable, "--port", "0"], catalog: () => Catalog.Create([]));
        Assert.Equal(2, code);
        Assert.StartsWith($"error: the PostgreSQL store {unreachable} cannot be reached", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ibot ui: http://", console.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_store_lost_while_the_ui_runs_answers_503_with_the_stores_line_and_the_ui_recovers_when_it_is_back()
    {
        var recorded = await Run("recorded", epochs: 1);
        using var proxy = new TcpProxy(location.Port);
        proxy.Start();
        var through = $"postgres://ibot@127.0.0.1:{proxy.Port}/{location.Database}";
        var (_, url) = await Start($"store {through}", new Dictionary<string, string>(), "ui", "--workspace", Workspace, "--store", through, "--port", "0");
        using var http = Client(url);
        Assert.Equal([recorded], Ids(await Api(http, "/api/runs")));

        proxy.Stop();
        using (var api = await http.GetAsync("/api/runs"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            var error = (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
            Assert.StartsWith($"the PostgreSQL store {through} cannot be reached", error, StringComparison.Ordinal);
        }
        using (var page = await http.GetAsync($"/runs/{recorded}"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
            Assert.Contains($"the PostgreSQL store {through} cannot be reached", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Back on the same port: the next requests find the store again, no restart.
        proxy.Start();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            using var again = await http.GetAsync("/api/runs");
            status = again.StatusCode;
            if (status != HttpStatusCode.OK) await Task.Delay(250);
        } while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([recorded], Ids(await Api(http, "/api/runs")));
        Assert.Contains("<h1 id=\"run-name\">recorded</h1>", await http.GetStringAsync($"/runs/{recorded}"), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex Csrf();

    [GeneratedRegex("id=\"submit-result\">spec.yaml: queued 1 run: ([^<]+)</div>")]
    private static partial Regex SubmitResult();

    public void Dispose()
    {
        foreach (var p in processes)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
            p.Dispose();
        }
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may still hold a file for a moment; the temp folder is left behind.
        }
    }
}
