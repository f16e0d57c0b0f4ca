using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IBot.Web.Tests;

/// <summary>The UI over HTTP, as any client sees it: pages escape what runs and specs hold, the API serves the CLI's
/// --json documents, files come only from inside run folders, and changes need a POST with the anti-forgery token.</summary>
[Collection(UiCollection.Name)]
public sealed class UiHttpTests(UiWorkspace ws)
{
    [Fact]
    public async Task Run_names_and_spec_text_are_escaped_on_every_page()
    {
        foreach (var page in new[] { "/", $"/runs/{ws.RunA}", $"/compare?id={ws.RunA}&id={ws.RunB}", $"/lineage?id={ws.RunA}", "/queue?all=1" })
        {
            var html = await ws.Http.GetStringAsync(page);
            Assert.DoesNotContain("<script>window", html, StringComparison.Ordinal);
            if (page != "/queue?all=1") Assert.Contains("&lt;script&gt;window.__xss=1&lt;/script&gt; tiny", html, StringComparison.Ordinal);
        }
        // The spec as YAML, escaped inside its <pre>.
        var run = await ws.Http.GetStringAsync($"/runs/{ws.RunA}");
        var start = run.IndexOf("<pre id=\"spec\">", StringComparison.Ordinal);
        var spec = run[start..run.IndexOf("</pre>", start, StringComparison.Ordinal)];
        Assert.Contains("&lt;script&gt;window.__xss=1&lt;/script&gt; tiny", spec, StringComparison.Ordinal);
        Assert.Contains("batch_size: 8", spec, StringComparison.Ordinal);
        using var response = await ws.Http.GetAsync("/");
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_serves_the_documents_the_cli_writes()
    {
        var (code, output) = await ws.Ibot("show", ws.RunA, "--json");
        Assert.True(code == 0, output);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(output), JsonNode.Parse((await ws.Api($"/api/runs/{ws.RunA}")).GetRawText())));
        (code, output) = await ws.Ibot("runs", "--where", "params.train.epochs = 2", "--json");
        Assert.True(code == 0, output);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(output), JsonNode.Parse((await ws.Api("/api/runs?where=" + Uri.EscapeDataString("params.train.epochs = 2"))).GetRawText())));
        (code, output) = await ws.Ibot("compare", ws.RunA, ws.RunB, "--json");
        Assert.True(code == 0, output);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(output), JsonNode.Parse((await ws.Api($"/api/compare?a={ws.RunA}&b={ws.RunB}")).GetRawText())));
        (code, output) = await ws.Ibot("lineage", ws.RunA, "--json");
        Assert.True(code == 0, output);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(output), JsonNode.Parse((await ws.Api($"/api/lineage?id={ws.RunA}")).GetRawText())));
    }

    [Fact]
    public async Task A_bad_query_names_its_column_on_the_page_and_in_the_api()
    {
        using var response = await ws.Http.GetAsync("/api/runs?where=" + Uri.EscapeDataString("name = alpha"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(8, error.GetProperty("column").GetInt32());
        Assert.StartsWith("--where: column 8:", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        var html = await ws.Http.GetStringAsync("/?where=" + Uri.EscapeDataString("name = alpha"));
        Assert.Contains("--where: column 8:", html, StringComparison.Ordinal);
        Assert.Contains("name = alpha\n       ^</pre>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chosen_columns_show_each_runs_value_and_sweeps_group_their_runs()
    {
        var html = await ws.Http.GetStringAsync("/?cols=" + Uri.EscapeDataString("params.train.epochs, metrics.knn_top1, bogus") + "&where=" + Uri.EscapeDataString("kind = 'training'"));
        Assert.Contains(">params.train.epochs</a></th>", html, StringComparison.Ordinal);
        Assert.Contains(">metrics.knn_top1</a></th>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">bogus<", html, StringComparison.Ordinal);
        var rowA = Row(html, ws.RunA);
        Assert.Contains("<td class=\"num\">2</td>", rowA, StringComparison.Ordinal);
        var knn = (await ws.Api($"/api/runs/{ws.RunA}")).GetProperty("run").GetProperty("metrics").GetProperty("knn_top1").GetProperty("last").GetDouble();
        Assert.Contains($"<td class=\"num\">{knn.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}</td>", rowA, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">1</td>", Row(html, ws.RunB), StringComparison.Ordinal);

        // Grouped: the sweep's runs follow one header row that links to them all.
        var grouped = await ws.Http.GetStringAsync("/?group=1");
        var header = grouped.IndexOf($"sweep <b>{ws.Sweep}</b> · 2 on this page", StringComparison.Ordinal);
        Assert.True(header > 0, grouped);
        var rows = ws.SweepRuns.Select(r => grouped.IndexOf($"<tr data-run=\"{r}\"", StringComparison.Ordinal)).Order().ToList();
        Assert.True(rows[0] > header, "the sweep's runs follow its header");
        Assert.DoesNotContain("<tr data-run=", grouped[header..rows[1]].Replace($"<tr data-run=\"{ws.SweepRuns[0]}\"", "", StringComparison.Ordinal).Replace($"<tr data-run=\"{ws.SweepRuns[1]}\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var ungrouped = await ws.Http.GetStringAsync("/");
        Assert.DoesNotContain("class=\"sweep\"", ungrouped, StringComparison.Ordinal);
    }

    private static string Row(string html, string run)
    {
        var start = html.IndexOf($"<tr data-run=\"{run}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no row for {run}");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task Pages_of_the_runs_table_hold_every_run_once()
    {
        var all = (await ws.Api("/api/runs?limit=1000&sort=id")).GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        var paged = new List<string?>();
        for (var offset = 0; offset < all.Count; offset += 2)
            paged.AddRange((await ws.Api($"/api/runs?limit=2&offset={offset}&sort=id")).GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(all, paged);
        Assert.True(all.Count >= 6);
    }

    [Fact]
    public async Task The_metrics_api_holds_every_logged_step_of_the_run()
    {
        var doc = await ws.Api($"/api/runs/{ws.RunA}/metrics");
        var steps = File.ReadAllLines(Path.Combine(ws.Workspace, ws.RunA, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.GetProperty("type").GetString() == "step").ToList();
        var loss = doc.GetProperty("curves").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "loss");
        Assert.Equal("loss", loss.GetProperty("group").GetString());
        Assert.Equal(steps.Select(s => new[] { s.GetProperty("iteration").GetDouble(), s.GetProperty("loss").GetDouble() }),
            loss.GetProperty("points").EnumerateArray().Select(p => new[] { p[0].GetDouble(), p[1].GetDouble() }));
        var knn = doc.GetProperty("curves").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "knn_top1");
        Assert.Equal("epoch", knn.GetProperty("x").GetString());
        Assert.Equal("completed", doc.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("../lineage.db")]
    [InlineData("..%2Flineage.db")]
    [InlineData("..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("checkpoints/..%2F..%2Fqueue.db")]
    [InlineData("%2E%2E/lineage.db")]
    [InlineData("outside-link/passwd")]
    [InlineData("linked-lineage.db")]
    public async Task Files_outside_the_run_folder_are_refused(string path)
    {
        // Links inside the run folder that lead out of it are refused too.
        var folder = Path.Combine(ws.Workspace, ws.RunB);
        lock (ws)
        {
            if (!Path.Exists(Path.Combine(folder, "outside-link"))) Directory.CreateSymbolicLink(Path.Combine(folder, "outside-link"), "/etc");
            if (!Path.Exists(Path.Combine(folder, "linked-lineage.db"))) File.CreateSymbolicLink(Path.Combine(folder, "linked-lineage.db"), Path.Combine(ws.Workspace, "lineage.db"));
        }
        using var client = new HttpClient();
        // The raw path, as an attacker would send it (HttpClient would otherwise collapse "..").
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{ws.Url}/files/{ws.RunB}/{path}", UriKind.Absolute));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.DoesNotContain("root:", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../lineage.db")]
    [InlineData("../../../../../../etc/passwd")]
    [InlineData("%2e%2e/lineage.db")]
    [InlineData("..%5clineage.db")]
    public async Task A_raw_request_with_dot_segments_is_refused(string path)
    {
        // Sent byte for byte over a socket: no client library normalises the path first.
        using var tcp = new System.Net.Sockets.TcpClient();
        var uri = new Uri(ws.Url);
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /files/{ws.RunB}/{path} HTTP/1.1\r\nHost: {uri.Authority}\r\nConnection: close\r\n\r\n"));
        var response = await new StreamReader(stream).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 404", response, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", response, StringComparison.Ordinal);
        Assert.DoesNotContain("LiteDB", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_inside_the_run_folder_is_served()
    {
        using var response = await ws.Http.GetAsync($"/files/{ws.RunA}/figures/curves.png");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(ws.Workspace, ws.RunA, "figures", "curves.png")), await response.Content.ReadAsByteArrayAsync());
        using var log = await ws.Http.GetAsync($"/files/{ws.RunA}/run.log");
        Assert.Equal("text/plain", log.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_post_without_the_anti_forgery_token_changes_nothing()
    {
        var queued = ws.Queued[^1];
        using var response = await ws.Http.PostAsync("/queue/cancel", new FormUrlEncodedContent([new("id", queued)]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var priority = await ws.Http.PostAsync("/queue/priority", new FormUrlEncodedContent([new("id", queued), new("priority", "7")]));
        Assert.Equal(HttpStatusCode.BadRequest, priority.StatusCode);
        var entries = (await ws.Api("/api/queue?all=1")).GetArrayLength();
        using var submit = await ws.Http.PostAsync("/queue/submit", new FormUrlEncodedContent([new("path", "tiny.yaml"), new("action", "submit")]));
        Assert.Equal(HttpStatusCode.BadRequest, submit.StatusCode);
        Assert.Equal(entries, (await ws.Api("/api/queue?all=1")).GetArrayLength());
        var entry = (await ws.Api("/api/queue?all=1")).EnumerateArray().Single(e => e.GetProperty("id").GetString() == queued);
        Assert.Equal(0, entry.GetProperty("priority").GetInt32());
        Assert.False(entry.GetProperty("cancel_requested").GetBoolean());
        // Pages are never changed by a GET either.
        using var get = await ws.Http.GetAsync($"/queue/cancel?id={queued}");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }
}
