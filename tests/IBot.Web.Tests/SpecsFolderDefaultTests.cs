using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using IBot.Cli;
using Spectre.Console.Testing;

namespace IBot.Web.Tests;

/// <summary>Where the specs folder comes from when <c>--specs</c> is not given (<c>./specs</c> of the directory ibot ui
/// started in, else none), what an upload's relative <c>extends</c> gets without one, and a <c>--specs</c> that is not a
/// folder. Each test starts its own <c>ibot ui</c>.</summary>
public sealed class SpecsFolderDefaultTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-ui-specs-").FullName;

    private readonly List<Process> started = [];

    private HttpClient Start(string workingDirectory)
    {
        Directory.CreateDirectory(workingDirectory);
        var (process, url) = UiWorkspace.StartUiIn(workingDirectory, Path.Combine(dir, "ws"));
        started.Add(process);
        return new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(url) };
    }

    [Fact]
    public async Task Without_a_specs_folder_an_uploads_relative_extends_is_an_error_at_its_line_that_says_what_to_do()
    {
        // Started where there is no specs/ folder: none.
        using var http = Start(Path.Combine(dir, "elsewhere"));
        using (var api = await http.GetAsync("/api/specs"))
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        var page = await http.GetStringAsync("/queue");
        Assert.DoesNotContain("id=\"spec-path\"", page, StringComparison.Ordinal);
        Assert.Contains("no specs folder: a relative <code>extends:</code> cannot be found", page, StringComparison.Ordinal);

        var html = await QueueForms.Upload(http, "child.yaml", "# two epochs of tiny.yaml\nextends: tiny.yaml\nname: child\ntrain: { epochs: 2 }\n", "submit");
        Assert.Equal("child.yaml: 1 error", QueueForms.Result(html));
        var row = html[html.IndexOf("<tr class=\"bad\" data-line=\"2\">", StringComparison.Ordinal)..];
        Assert.StartsWith("<tr class=\"bad\" data-line=\"2\"><td class=\"line\">2</td><td><code>extends: tiny.yaml</code><div class=\"message\">column 10: "
            + "extends &#x27;tiny.yaml&#x27; is relative, and this UI has no specs folder to find it in: start it with --specs DIR (ibot serve: --ui-specs DIR), or submit the file with ibot submit</div></td></tr>",
            row, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "class=\"bad"));

        Assert.Equal("'tiny.yaml': this UI has no specs folder (start it with --specs DIR)", QueueForms.Result(await QueueForms.SubmitListed(http, "tiny.yaml", "submit")));
        Assert.Equal(0, (await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/queue?all=1")).GetArrayLength());
    }

    [Fact]
    public async Task The_specs_folder_defaults_to_specs_where_the_ui_started_and_an_error_in_a_parent_is_shown_with_its_own_file()
    {
        var project = Path.Combine(dir, "project");
        Directory.CreateDirectory(Path.Combine(project, "specs", "more"));
        // The parent's mistake is on its line 2; the child's line 2 is fine.
        var parent = UiWorkspace.TinySpec("parent", epochs: 1).Replace("\nseed: 1\n", "\nseed: one\n", StringComparison.Ordinal);
        Assert.Equal("seed: one", parent.Split('\n')[1]);
        File.WriteAllText(Path.Combine(project, "specs", "parent.yaml"), parent);
        File.WriteAllText(Path.Combine(project, "specs", "more", "child.yaml"), "extends: ../parent.yaml\nname: child\n");
        using var http = Start(project);
        var specs = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/specs");
        Assert.Equal(Path.Combine(project, "specs"), specs.GetProperty("folder").GetString());
        Assert.Equal(["more/child.yaml", "parent.yaml"], specs.GetProperty("specs").EnumerateArray().Select(s => s.GetString()));

        var html = await QueueForms.SubmitListed(http, "more/child.yaml", "validate");
        Assert.Equal("more/child.yaml: 1 error", QueueForms.Result(html));
        // Above the child's lines, with the parent's place; not beside the child's line 2.
        Assert.Contains("<tr class=\"bad elsewhere\"><td></td><td class=\"message\">specs/parent.yaml:2:7: seed must be an integer, not &#x27;one&#x27;</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-line=\"2\"><td class=\"line\">2</td><td><code>name: child</code></td></tr>", html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "class=\"bad"));
        // The listed spec stays chosen; the upload's text box stays empty.
        Assert.Contains("<option value=\"more/child.yaml\" selected>", html, StringComparison.Ordinal);
        Assert.Contains("spellcheck=\"false\"></textarea>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_specs_folder_that_is_not_there_stops_ibot_ui_before_it_binds()
    {
        var missing = Path.Combine(dir, "no-such-folder");
        var console = new TestConsole().Width(400);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await CliApp.RunAsync(console, ["ui", "--specs", missing, "--port", "0", "--workspace", Path.Combine(dir, "ws")], cancel.Token);
        Assert.Equal(2, code);
        Assert.Contains($"the specs folder {missing} does not exist", console.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var process in started)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            process.Dispose();
        }
        Directory.Delete(dir, recursive: true);
    }
}
