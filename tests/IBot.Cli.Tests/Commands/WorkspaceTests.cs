using IBot.Cli.Infrastructure;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

/// <summary>The workspace as commands treat it: a path that names a file is refused with one line
/// (exit 2) by every command that uses one; read-only commands never create it; an output path that is
/// a folder is bad input too.</summary>
public sealed class WorkspaceTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cli-workspace-").FullName;

    private static async Task<(int Code, string Output)> Ibot(params string[] args)
    {
        var console = new TestConsole().Width(400);
        // A command that wrongly got going (a service) is stopped rather than left to hang the suite.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await CliApp.RunAsync(console, args, stop.Token, catalog: () => Catalog.Create([]));
        return (code, console.Output);
    }

    private string Spec()
    {
        var path = Path.Combine(dir, "tiny.yaml");
        File.WriteAllText(path, TinySpecs.Training("tiny workspace", (16, 0, 0), [], epochs: 1));
        return path;
    }

    public static TheoryData<string[]> Commands() => new()
    {
        new[] { "runs" }, new[] { "show", "x" }, new[] { "lineage", "x" }, new[] { "lineage", "--export", "OUT" }, new[] { "compare", "a", "b" },
        new[] { "queue" }, new[] { "schedules" }, new[] { "schedules", "remove", "x" }, new[] { "cancel", "x" },
        new[] { "serve", "--cpu-slots", "1" }, new[] { "submit", "SPEC" }, new[] { "run", "SPEC" }, new[] { "run", "--resume", "x" },
        new[] { "export", "x", "--out", "OUT" }, new[] { "plot", "x" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_workspace_that_is_a_file_is_refused_in_one_line(string[] command)
    {
        var file = Path.Combine(dir, "not-a-folder");
        await File.WriteAllTextAsync(file, "mine");
        var args = command.Select(a => a == "SPEC" ? Spec() : a == "OUT" ? Path.Combine(dir, "out.file") : a).ToArray();
        var (code, output) = await Ibot([.. args, "--workspace", file]);
        Assert.True(code == 2, $"exit {code}\n{output}");
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"the workspace {file} is a file, not a folder", line, StringComparison.Ordinal);
        Assert.Equal("mine", await File.ReadAllTextAsync(file));
    }

    [Theory]
    [MemberData(nameof(ReadOnly))]
    public async Task Read_only_commands_create_no_workspace(string[] command, int exit)
    {
        var missing = Path.Combine(dir, "missing", "ws");
        var (code, output) = await Ibot([.. command, "--workspace", missing]);
        Assert.True(code == exit, $"exit {code}\n{output}");
        Assert.False(Directory.Exists(Path.Combine(dir, "missing")), output);
    }

    public static TheoryData<string[], int> ReadOnly() => new()
    {
        { ["runs"], 0 }, { ["queue"], 0 }, { ["queue", "--all", "--json"], 0 }, { ["schedules"], 0 }, { ["lineage", "--export=-"], 0 },
        { ["show", "x"], 2 }, { ["lineage", "x"], 2 }, { ["compare", "a", "b"], 2 }, { ["cancel", "x"], 2 }, { ["schedules", "remove", "x"], 2 },
    };

    [Fact]
    public async Task Export_to_an_existing_folder_is_refused_in_one_line()
    {
        var workspace = Path.Combine(dir, "ws");
        var (code, output) = await Ibot("run", Spec(), "--workspace", workspace, "--json");
        Assert.True(code == 0, output);
        var run = System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("run_id").GetString()!;
        var folder = Directory.CreateDirectory(Path.Combine(dir, "exports")).FullName;
        (code, output) = await Ibot("export", run, "--out", folder, "--workspace", workspace);
        Assert.True(code == 2, $"exit {code}\n{output}");
        Assert.Contains($"--out {folder} is a folder", Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
