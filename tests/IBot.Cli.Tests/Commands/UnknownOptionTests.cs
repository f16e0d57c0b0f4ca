using System.Xml.Linq;
using IBot.Cli.Infrastructure;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

/// <summary>Every command refuses an option it does not take (exit 2, one line, the closest option it
/// does take), before doing anything. The commands are enumerated from the app itself, so a new
/// command is covered without touching this file.</summary>
public sealed class UnknownOptionTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cli-options-").FullName;

    private static async Task<(int Code, string Output)> Ibot(params string[] args)
    {
        var console = new TestConsole().Width(100_000);
        var code = await CliApp.RunAsync(console, args, catalog: () => Catalog.Create([]));
        return (code, console.Output);
    }

    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var command in CliApp.Commands().Commands) data.Add(command.Path);
        return data;
    }

    [Fact]
    public async Task The_registry_holds_every_command_the_parser_knows()
    {
        // Spectre's own model of the app (hidden commands are not in it; the registry has them too).
        var (code, output) = await Ibot("cli", "xmldoc");
        Assert.Equal(0, code);
        var paths = new List<string>();
        void Walk(XElement element, string prefix)
        {
            foreach (var command in element.Elements("Command"))
            {
                var name = command.Attribute("Name")!.Value;
                var path = name == "__default_command" ? prefix : (prefix + " " + name).Trim();
                if (command.Attribute("IsBranch")!.Value == "false") paths.Add(path);
                Walk(command, path);
            }
        }
        Walk(XDocument.Parse(output).Root!, "");
        Assert.Contains("bench train", paths);
        Assert.Contains("schedules remove", paths);
        var registered = CliApp.Commands().Commands.Select(c => c.Path).ToList();
        Assert.All(paths, p => Assert.Contains(p, registered));
        Assert.Contains("lineage-load", registered);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_refuses_an_unknown_option_and_names_the_closest(string path)
    {
        var command = CliApp.Commands().Commands.Single(c => c.Path == path);
        var workspace = Path.Combine(dir, "ws");
        string[] line = [.. command.Words, .. command.Arguments.Where(a => a.Required).Select(_ => "x")];

        var (code, output) = await Ibot([.. line, "--bogus-flag", "1", "--workspace", workspace]);
        Assert.True(code == 2, $"ibot {path} --bogus-flag: exit {code}\n{output}");
        Assert.Contains($"unknown option '--bogus-flag' for 'ibot {path}'", Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);

        // A typo: the first two letters of its longest option swapped.
        var option = command.Options.OrderByDescending(o => o.Length).ThenBy(o => o, StringComparer.Ordinal).First();
        var typo = $"--{option[3]}{option[2]}{option[4..]}";
        (code, output) = await Ibot([.. line, typo, "1"]);
        Assert.True(code == 2, $"ibot {path} {typo}: exit {code}\n{output}");
        Assert.Contains($"unknown option '{typo}' for 'ibot {path}'; did you mean '{option}'?", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(workspace), $"ibot {path} did work before refusing the option");
    }

    [Fact]
    public async Task Submit_with_a_misspelt_option_queues_nothing()
    {
        var spec = Path.Combine(dir, "tiny.yaml");
        await File.WriteAllTextAsync(spec, TinySpecs.Training("tiny options", (16, 0, 0), [], epochs: 1));
        var workspace = Path.Combine(dir, "ws");
        var (code, output) = await Ibot("submit", spec, "--stor", "postgres://elsewhere", "--workspace", workspace);
        Assert.True(code == 2, output);
        Assert.Contains("unknown option '--stor' for 'ibot submit'", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(workspace));
        (code, output) = await Ibot("runs", "--bogus-flag", "1", "--workspace", workspace);
        Assert.True(code == 2, output);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
