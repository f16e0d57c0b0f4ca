using IBot.Cli.Infrastructure;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

/// <summary>ibot validate checks what ibot submit would run: every run of a sweep, validated the same way,
/// so a spec validate calls valid is never refused by submit; and a name runs can be named after.</summary>
public sealed class ValidateTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cli-validate-").FullName;

    private static readonly string TinySpec = TinySpecs.Training("tiny validate", (16, 0, 0), [], epochs: 1);

    private static async Task<(int Code, string Error)> Ibot(params string[] args)
    {
        var output = new TestConsole().Width(400);
        var error = new TestConsole().Width(400);
        var code = await CliApp.RunAsync(output, args, catalog: () => Catalog.Create([]), error: error);
        return (code, error.Output);
    }

    private string Spec(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task A_sweep_that_sets_an_unknown_key_is_invalid_for_validate_as_for_submit()
    {
        var spec = Spec("typo.yaml", TinySpec + "\nsweep: { grid: { train.optimizer.lrr: [1.0e-4, 2.0e-4] } }\n");
        var (validated, validateErrors) = await Ibot("validate", spec);
        var (submitted, submitErrors) = await Ibot("submit", spec, "--workspace", Path.Combine(dir, "ws"));
        Assert.True(validated == 2, validateErrors);
        Assert.Equal(2, submitted);
        Assert.True(validateErrors.Contains("unknown key 'train.optimizer.lrr'; did you mean 'lr'?", StringComparison.Ordinal), validateErrors);
        Assert.Contains("(sweep run 1: train.optimizer.lrr=1.0e-4)", validateErrors, StringComparison.Ordinal);
        // The same errors, word for word: validate expands and checks the runs exactly as submit does.
        Assert.Equal(Lines(submitErrors), Lines(validateErrors));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task A_valid_sweep_is_valid_with_its_run_count()
    {
        var spec = Spec("grid.yaml", TinySpec + "\nsweep: { grid: { seed: [1, 2, 3] } }\n");
        var output = new TestConsole().Width(400);
        Assert.Equal(0, await CliApp.RunAsync(output, ["validate", spec], catalog: () => Catalog.Create([])));
        Assert.Contains("valid", output.Output, StringComparison.Ordinal);
        Assert.Contains("3 runs", output.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: \"\"", "name must not be empty")]
    [InlineData("name: \"  \"", "name must not be empty")]
    [InlineData("name: ~", "name cannot be null; expected a string")]
    public async Task An_empty_name_is_invalid(string name, string message)
    {
        var spec = Spec("nameless.yaml", TinySpec.Replace("name: tiny validate", name));
        var (code, errors) = await Ibot("validate", spec);
        Assert.Equal(2, code);
        Assert.Contains($"{spec}:1:7: {message}", errors, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
