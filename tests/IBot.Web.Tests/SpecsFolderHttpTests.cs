using System.Text.Json;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Specs;

namespace IBot.Web.Tests;

/// <summary>The specs folder over HTTP (<c>ibot ui --specs</c>): its files are listed and submitted where they lie, so an
/// <c>extends</c> chain composes as <c>ibot submit</c> composes it; an upload's relative <c>extends</c> is found there;
/// and no name reaches a file outside it.</summary>
[Collection(UiCollection.Name)]
public sealed class SpecsFolderHttpTests(UiWorkspace ws)
{
    [Fact]
    public async Task The_queue_page_and_the_api_list_the_spec_files_of_the_folder_and_nothing_outside_it()
    {
        var specs = await ws.Api("/api/specs");
        Assert.Equal(ws.Specs, specs.GetProperty("folder").GetString());
        Assert.Equal(UiWorkspace.ListedSpecs, specs.GetProperty("specs").EnumerateArray().Select(s => s.GetString()));
        var html = await ws.Http.GetStringAsync("/queue");
        var options = System.Text.RegularExpressions.Regex.Matches(html, "<option value=\"([^\"]*)\"").Select(m => m.Groups[1].Value);
        Assert.Equal(UiWorkspace.ListedSpecs, options);
    }

    [Fact]
    public async Task A_listed_spec_with_a_relative_extends_chain_is_queued_composed_as_ibot_submit_queues_it()
    {
        const string name = "more/tiny-longer-deeper.yaml";
        Assert.Equal($"{name} is valid: 1 run", QueueForms.Result(await QueueForms.SubmitListed(ws.Http, name, "validate")));
        var message = QueueForms.Result(await QueueForms.SubmitListed(ws.Http, name, "submit"));
        Assert.StartsWith($"{name}: queued 1 run: ", message, StringComparison.Ordinal);
        var id = Assert.Single(QueueForms.QueuedIds(message));
        var entry = (await ws.Api("/api/queue")).EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        Assert.Equal("queued", entry.GetProperty("state").GetString());
        Assert.Equal("tiny longer deeper", entry.GetProperty("name").GetString());

        // Each level of the chain: the batch size only tiny.yaml gives, the epochs of tiny-longer.yaml, the depth of the file itself.
        var run = (await ws.Api($"/api/runs/{id}")).GetProperty("run");
        var parameters = run.GetProperty("params");
        Assert.Equal(8, parameters.GetProperty("train.batch_size").GetInt32());
        Assert.Equal(3, parameters.GetProperty("train.epochs").GetInt32());
        Assert.Equal(2, parameters.GetProperty("backbone.depth").GetInt32());
        var specYaml = await File.ReadAllTextAsync(Path.Combine(ws.Workspace, id, "spec.yaml"));
        Assert.Contains("batch_size: 8", specYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("extends", specYaml, StringComparison.Ordinal);

        // The same file through ibot submit: the same composed spec in the run folder and in lineage.
        var (code, output) = await ws.Ibot("submit", Path.Combine(ws.Specs, "more", "tiny-longer-deeper.yaml"), "--json");
        Assert.True(code == 0, output);
        var cli = JsonDocument.Parse(output).RootElement.GetProperty("runs")[0].GetProperty("id").GetString()!;
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(ws.Workspace, cli, "spec.yaml")), specYaml);
        Assert.Equal((await ws.Api($"/api/runs/{cli}")).GetProperty("run").GetProperty("spec_hash").GetString(), run.GetProperty("spec_hash").GetString());
    }

    [Fact]
    public async Task An_uploaded_child_finds_its_relative_parent_in_the_specs_folder()
    {
        // A copy of tiny-longer.yaml, uploaded alone: it lands in W/submissions/…, its extends: tiny.yaml is found in the specs folder.
        var text = await File.ReadAllTextAsync(Path.Combine(ws.Specs, "tiny-longer.yaml"));
        Assert.Equal("tiny-longer.yaml is valid: 1 run", QueueForms.Result(await QueueForms.Upload(ws.Http, "tiny-longer.yaml", text, "validate")));
        var message = QueueForms.Result(await QueueForms.Upload(ws.Http, "tiny-longer.yaml", text, "submit"));
        Assert.StartsWith("tiny-longer.yaml: queued 1 run: ", message, StringComparison.Ordinal);
        var id = Assert.Single(QueueForms.QueuedIds(message));
        var run = (await ws.Api($"/api/runs/{id}")).GetProperty("run");
        Assert.Equal(8, run.GetProperty("params").GetProperty("train.batch_size").GetInt32());
        Assert.Equal(3, run.GetProperty("params").GetProperty("train.epochs").GetInt32());
        var expected = SpecRuns.Validate(new SpecValidator(Catalog.Create([])), Path.Combine(ws.Specs, "tiny-longer.yaml")).Spec.Hash;
        Assert.Equal(expected, run.GetProperty("spec_hash").GetString());
    }

    [Theory]
    [InlineData("../a.yaml")]
    [InlineData("more/../../a.yaml")]
    [InlineData("more/../tiny.yaml")]
    [InlineData("{dir}/a.yaml")]
    [InlineData("{specs}/tiny.yaml")]
    [InlineData("outside.yaml")]
    [InlineData("linked/a.yaml")]
    [InlineData("linked/specs/tiny.yaml")]
    public async Task A_name_that_is_not_a_listed_spec_file_is_refused_and_nothing_is_queued(string name)
    {
        // Every one of them names a valid spec file (a.yaml is a run's spec, outside the specs folder): only the name is wrong.
        name = name.Replace("{dir}", ws.Dir, StringComparison.Ordinal).Replace("{specs}", ws.Specs, StringComparison.Ordinal);
        Assert.True(File.Exists(name.StartsWith('/') ? name : Path.Combine(ws.Specs, name)), name);
        var before = (await ws.Api("/api/queue?all=1")).GetArrayLength();
        var html = await QueueForms.SubmitListed(ws.Http, name, "submit");
        Assert.Equal($"'{name}' is not a spec file of the specs folder {ws.Specs}", QueueForms.Result(html));
        Assert.Equal(before, (await ws.Api("/api/queue?all=1")).GetArrayLength());
        Assert.DoesNotContain("<td class=\"line\">", html, StringComparison.Ordinal);
    }
}
