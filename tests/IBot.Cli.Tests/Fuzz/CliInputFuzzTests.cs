using System.Text.RegularExpressions;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Tests.Fuzz;
using Spectre.Console.Testing;
using Xunit.Abstractions;

namespace IBot.Cli.Tests.Fuzz;

/// <summary>
/// The spec fuzzers' random edits of every spec in <c>specs/</c>, through <c>ibot validate</c> with
/// the real components: the command ends with 0 or 2, prints no stack trace, and every error line
/// it prints is <c>file:line:col: message</c> (or the closing count).
/// </summary>
[Trait("Category", "Fuzz")]
public sealed partial class CliInputFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("ibot-cli-fuzz-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [GeneratedRegex(@"^(error: \d+ errors? in the spec|.+:\d+:\d+: .+|.+: valid \(spec hash [0-9a-f]+; \d+ runs?\))$")]
    private static partial Regex AllowedLine();

    [Fact]
    public void Ibot_validate_on_randomly_edited_specs()
    {
        // The specs keep their folders, so relative extends still lead somewhere.
        foreach (var (name, bytes) in SpecInputs.Specs)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, name))!);
            File.WriteAllBytes(Path.Combine(root, name), bytes);
        }
        var ran = FuzzRunner.Check("ibot validate", 30, SpecInputs.MutatedSpec, bytes =>
        {
            var path = Path.Combine(root, "specs", "edited.yaml");
            File.WriteAllBytes(path, bytes);
            var console = new TestConsole().Width(1000);
            int code = -1;
            // The command itself must not throw: nothing is expected (FuzzFailure is never thrown by it).
            Bounded.Run<FuzzFailure>(() => code = CliApp.RunAsync(console, ["validate", path], catalog: () => Catalog.Create([])).GetAwaiter().GetResult(), maxMegabytes: 1024);
            Assert.True(code is 0 or 2, $"exit {code}: {console.Output}");
            foreach (var line in console.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')))
                Assert.Matches(AllowedLine(), line);
        }, suiteIterations: 300);
        output.WriteLine($"{ran} edited specs");
    }
}
