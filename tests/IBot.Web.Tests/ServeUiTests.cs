using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace IBot.Web.Tests;

/// <summary><c>ibot serve --ui</c>: the service and the UI in one process, the UI showing the queue the service works on
/// and offering the spec files of <c>--ui-specs</c>.</summary>
public sealed class ServeUiTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-serve-ui-").FullName;

    [Fact]
    public async Task Serve_with_ui_serves_the_pages_and_the_api_while_it_runs()
    {
        var specs = Directory.CreateDirectory(Path.Combine(dir, "my-specs")).FullName;
        File.WriteAllText(Path.Combine(specs, "one.yaml"), UiWorkspace.TinySpec("one", epochs: 1));
        var start = UiWorkspace.Ibot(["serve", "--workspace", Path.Combine(dir, "ws"), "--cpu-slots", "1", "--ui", "--ui-port", "0", "--ui-specs", specs]);
        using var serve = Process.Start(start)!;
        try
        {
            _ = serve.StandardError.ReadToEndAsync();
            string? url = null;
            var read = Task.Run(() =>
            {
                while (serve.StandardOutput.ReadLine() is { } line)
                    if (line.StartsWith("ibot ui: http://", StringComparison.Ordinal)) return line["ibot ui: ".Length..].Split(' ')[0];
                return null;
            });
            url = await read.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.NotNull(url);
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var queue = await http.GetFromJsonAsync<JsonElement>("/api/queue");
            Assert.Equal(JsonValueKind.Array, queue.ValueKind);
            Assert.Contains("<h1>Queue</h1>", await http.GetStringAsync("/queue"), StringComparison.Ordinal);
            // --ui-specs: the queue page's specs folder.
            var listed = await http.GetFromJsonAsync<JsonElement>("/api/specs");
            Assert.Equal(specs, listed.GetProperty("folder").GetString());
            Assert.Equal(["one.yaml"], listed.GetProperty("specs").EnumerateArray().Select(s => s.GetString()));
            Assert.False(serve.HasExited);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            serve.WaitForExit(10_000);
        }
    }

    [Fact]
    public async Task Serve_with_ui_on_another_host_without_a_token_is_refused()
    {
        var start = UiWorkspace.Ibot(["serve", "--workspace", Path.Combine(dir, "ws"), "--cpu-slots", "1", "--ui", "--ui-host", "0.0.0.0"]);
        using var serve = Process.Start(start)!;
        var error = await serve.StandardError.ReadToEndAsync();
        Assert.True(serve.WaitForExit(60_000));
        Assert.Equal(2, serve.ExitCode);
        Assert.Contains("--host 0.0.0.0 is reachable from other machines", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A killed service may still hold its lock file for a moment.
        }
    }
}
