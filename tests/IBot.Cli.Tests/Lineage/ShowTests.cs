using System.Text.Json;
using IBot.Cli.Infrastructure;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Lineage;

/// <summary>ibot show: every data role of a run, even when two roles read the same data; and tables
/// that fit an 80-column terminal without breaking a metric name.</summary>
public sealed class ShowTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cli-show-").FullName;

    private string Workspace => Path.Combine(dir, "ws");

    private async Task<(int Code, string Output)> Ibot(int width, params string[] args)
    {
        var console = new TestConsole().Width(width);
        var code = await CliApp.RunAsync(console, [.. args, "--workspace", Workspace], catalog: () => Catalog.Create([]), error: new TestConsole());
        return (code, console.Output);
    }

    [Fact]
    public async Task Show_lists_every_data_role_when_two_roles_read_the_same_data()
    {
        // eval_train is the very same source as train: one fingerprint, two roles.
        var text = TinySpecs.Training("tiny roles", (24, 24, 12), ["{ kind: knn, k: [5] }"], epochs: 1)
            .Replace("eval_train: { kind: synthetic, count: 24, classes: 4, width: 24, height: 24, seed: 2 }",
                     "eval_train: { kind: synthetic, count: 24, classes: 4, width: 24, height: 24, seed: 1 }");
        var spec = Path.Combine(dir, "roles.yaml");
        await File.WriteAllTextAsync(spec, text);
        var (code, output) = await Ibot(400, "submit", spec, "--json");
        Assert.True(code == 0, output);
        var runId = JsonDocument.Parse(output).RootElement.GetProperty("runs")[0].GetProperty("id").GetString()!;

        (code, output) = await Ibot(400, "show", runId);
        Assert.True(code == 0, output);
        var roles = output.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Match(l, @"│ data (\w+) ")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["eval_test", "eval_train", "train"], roles.Order(StringComparer.Ordinal));

        (code, output) = await Ibot(400, "show", runId, "--json");
        using var json = JsonDocument.Parse(output);
        var datasets = json.RootElement.GetProperty("datasets").EnumerateArray().Select(d => (Role: d.GetProperty("role").GetString()!, Id: d.GetProperty("id").GetString()!)).ToList();
        Assert.Equal(["eval_test", "eval_train", "train"], datasets.Select(d => d.Role).Order(StringComparer.Ordinal));
        Assert.Equal(datasets.Single(d => d.Role == "train").Id, datasets.Single(d => d.Role == "eval_train").Id);
    }

    [Fact]
    public async Task Show_on_80_columns_never_breaks_a_metric_name()
    {
        var spec = Path.Combine(dir, "metrics.yaml");
        await File.WriteAllTextAsync(spec, TinySpecs.Training("tiny metrics", (16, 24, 12), ["{ kind: knn, k: [1, 5] }", "{ kind: attention_maps, images: 2 }"], epochs: 1));
        var (code, output) = await Ibot(400, "run", spec, "--json");
        Assert.True(code == 0, output);
        var runId = JsonDocument.Parse(output).RootElement.GetProperty("run_id").GetString()!;
        (code, output) = await Ibot(400, "show", runId, "--json");
        var names = JsonDocument.Parse(output).RootElement.GetProperty("run").GetProperty("metrics").EnumerateObject().Select(m => m.Name).ToList();
        Assert.Contains("knn_top1_k1", names);
        Assert.Contains("attention_maps_entropy", names);

        (code, output) = await Ibot(80, "show", runId);
        Assert.True(code == 0, output);
        var lines = output.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, $"wider than 80 columns: {l}"));
        // Each metric's row in the metrics table starts with its whole name.
        foreach (var name in names)
            Assert.True(lines.Any(l => l.StartsWith($"│ {name} ", StringComparison.Ordinal)), $"'{name}' is broken:\n{output}");
        // The evaluations list each metric whole too.
        foreach (var name in names.Where(n => n.StartsWith("knn_", StringComparison.Ordinal)))
            Assert.True(lines.Count(l => l.Contains($" {name} ", StringComparison.Ordinal)) >= 2, $"'{name}' is broken in the evaluations:\n{output}");
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
