using System.Text.Json;
using IBot.Cli.Infrastructure;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

/// <summary>Errors go to standard error, one unwrapped line per problem, and nothing of them to standard
/// output; a command asked for <c>--json</c> answers a failure with a JSON object on standard output.</summary>
public sealed class ErrorOutputTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cli-errors-").FullName;

    private string Workspace => Path.Combine(dir, "a-workspace-with-a-long-enough-name-to-pass-eighty-columns");

    /// <summary>ibot on an 80-column terminal, its standard output and standard error apart.</summary>
    private static async Task<(int Code, string Out, string Err)> Ibot(params string[] args)
    {
        var output = new TestConsole().Width(80);
        var error = new TestConsole().Width(80);
        var code = await CliApp.RunAsync(output, args, catalog: () => Catalog.Create([]), error: error);
        return (code, output.Output, error.Output);
    }

    private string BadSpec()
    {
        var path = Path.Combine(dir, "bad.yaml");
        File.WriteAllText(path, TinySpecs.Training("tiny errors", (16, 0, 0), [], epochs: 1).Replace("\n  epochs: 1\n", "\n  epochs: -1\n"));
        return path;
    }

    /// <summary>fp16 is emulated on every CPU: valid, and said once as one warning line on standard
    /// error (the CLI tests run on CPUs; a GPU machine would default to cuda and say nothing).</summary>
    [Fact]
    public async Task Validate_says_once_that_a_precision_this_cpu_emulates_will_be_slower()
    {
        if (TorchSharp.torch.cuda.is_available()) return;
        var path = Path.Combine(dir, "fp16.yaml");
        File.WriteAllText(path, TinySpecs.Training("tiny fp16", (16, 0, 0), [], epochs: 1).Replace("\n  epochs: 1\n", "\n  epochs: 1\n  precision: fp16\n"));
        var (code, output, error) = await Ibot("validate", path);
        Assert.Equal(0, code);
        Assert.Contains("valid", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning: train.precision: fp16 on this CPU", line);
        Assert.Contains("slower than fp32", line);
    }

    [Fact]
    public async Task Show_of_an_unknown_run_with_json_answers_in_json()
    {
        var (code, output, error) = await Ibot("show", "nope", "--json", "--workspace", Workspace);
        Assert.Equal(2, code);
        using var json = JsonDocument.Parse(output);
        Assert.StartsWith("no run 'nope'", json.RootElement.GetProperty("error").GetString());
        Assert.StartsWith("error: no run 'nope'", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    public static TheoryData<string> JsonCommands()
    {
        var data = new TheoryData<string>();
        foreach (var command in CliApp.Commands().Commands.Where(c => c.Options.Contains("--json"))) data.Add(command.Path);
        return data;
    }

    [Theory]
    [MemberData(nameof(JsonCommands))]
    public async Task Every_json_command_answers_a_failure_with_a_json_error(string path)
    {
        var command = CliApp.Commands().Commands.Single(c => c.Path == path);
        var (code, output, error) = await Ibot([.. command.Words, .. command.Arguments.Where(a => a.Required).Select(_ => "x"), "--json", "--bogus-flag"]);
        Assert.Equal(2, code);
        using var json = JsonDocument.Parse(output);
        Assert.StartsWith("unknown option '--bogus-flag'", json.RootElement.GetProperty("error").GetString());
        Assert.StartsWith("error: unknown option '--bogus-flag'", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    public static TheoryData<string[]> Failures() => new()
    {
        new[] { "show", "nope" }, new[] { "lineage", "nope" }, new[] { "compare", "a", "b" }, new[] { "cancel", "nope" },
        new[] { "schedules", "remove", "nope" }, new[] { "runs", "--where", "metrics.knn_top1 > > 3" }, new[] { "runs", "--bogus-flag" },
        new[] { "lineage" }, new[] { "validate", "BAD" }, new[] { "run", "BAD" }, new[] { "submit", "BAD" }, new[] { "plot", "nope" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Errors_go_to_standard_error_unwrapped_and_nothing_to_standard_output(string[] command)
    {
        // validate takes no workspace: it reads nothing but the spec.
        string[] workspace = command[0] == "validate" ? [] : ["--workspace", Workspace];
        var (code, output, error) = await Ibot([.. command.Select(a => a == "BAD" ? BadSpec() : a), .. workspace]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        // One problem, one line: a message longer than the terminal is not wrapped onto a second line.
        if (command[0] is "show" or "cancel") Assert.Contains(Workspace, lines[0], StringComparison.Ordinal);
        if (command[^1] == "BAD") Assert.Contains("bad.yaml:16:11: train.epochs = -1 is out of range", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("run")]
    [InlineData("submit")]
    public async Task Spec_errors_with_json_are_a_json_object_listing_them(string command)
    {
        string[] workspace = command == "validate" ? [] : ["--workspace", Workspace];
        var (code, output, error) = await Ibot([command, BadSpec(), "--json", .. workspace]);
        Assert.Equal(2, code);
        using var json = JsonDocument.Parse(output);
        var errors = json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal($"{errors.Count} error{(errors.Count == 1 ? "" : "s")} in the spec", json.RootElement.GetProperty("error").GetString());
        Assert.Contains(errors, e => e.Contains("bad.yaml:16:11: train.epochs = -1 is out of range", StringComparison.Ordinal));
        Assert.Contains("bad.yaml:16:11: train.epochs = -1 is out of range", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Workspace));
    }

    [Fact]
    public async Task A_query_error_with_json_names_the_column()
    {
        var (code, output, error) = await Ibot("runs", "--where", "metrics.knn_top1 > > 3", "--json", "--workspace", Workspace);
        Assert.Equal(2, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(20, json.RootElement.GetProperty("column").GetInt32());
        Assert.Contains("expected a value after '>'", json.RootElement.GetProperty("error").GetString());
        Assert.Contains("^", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
