using IBot.Cli.Infrastructure;
using IBot.Pipeline.Components;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

public sealed class SpecCommandTests
{
    public static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "IBot.Pipeline.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found");
    }

    public static TheoryData<string> Specs()
    {
        var data = new TheoryData<string>();
        foreach (var spec in Directory.EnumerateFiles(Path.Combine(RepoRoot, "specs"), "*.yaml", SearchOption.AllDirectories).Order())
            data.Add(Path.GetRelativePath(RepoRoot, spec));
        return data;
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public async Task Every_spec_in_specs_validates(string spec)
    {
        // Specs that read machine-specific data (ImageNet, Debian's Fashion-MNIST) are
        // validated with those folders pointed at a stand-in, so the check is about the spec.
        var standIn = Directory.CreateTempSubdirectory("ibot-data-").FullName;
        try
        {
            var text = await File.ReadAllTextAsync(Path.Combine(RepoRoot, spec));
            var sets = new List<string>();
            // Only the data sections the spec has: a --set on a missing one would create it without a kind.
            var data = IBot.Pipeline.Specs.SpecComposer.Load(Path.Combine(RepoRoot, spec))["data"] as IBot.Pipeline.Specs.SpecMapping;
            foreach (var key in new[] { "train", "eval_train", "eval_test" })
                if (data?[key] is not null && (text.Contains("kind: image_folder") || (text.Contains("kind: idx") && !Directory.Exists("/usr/share/datasets/fashion-mnist"))))
                    sets.AddRange(["--set", $"data.{key}.path={standIn}"]);
            var console = new TestConsole().Width(300);
            var plugins = Path.Combine(RepoRoot, "plugins");
            var code = await CliApp.RunAsync(console, ["validate", Path.Combine(RepoRoot, spec), .. sets], catalog: () => Catalog.Create([plugins]));
            Assert.True(code == 0, console.Output);
            Assert.Contains("valid", console.Output);
        }
        finally
        {
            Directory.Delete(standIn, recursive: true);
        }
    }

    [Fact]
    public async Task Invalid_spec_prints_every_error_with_its_position_and_exits_2()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, "name: x\nbackbone: { kind: vitt }\ntrain: { epochs: 1, batch_size: 8, precision: fp8 }\n");
        try
        {
            var console = new TestConsole().Width(300);
            var code = await CliApp.RunAsync(console, ["validate", path], catalog: () => Catalog.Create([]));
            Assert.Equal(2, code);
            Assert.Contains($"{path}:2:19: backbone: unknown backbone kind 'vitt'; did you mean 'vit'?", console.Output);
            Assert.Contains($"{path}:3:47: train.precision: ", console.Output);
            Assert.Contains("fp8", console.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Components_lists_built_in_kinds_with_options()
    {
        var console = new TestConsole().Width(300);
        var code = await CliApp.RunAsync(console, ["components", "--json"], catalog: () => Catalog.Create([]));
        Assert.Equal(0, code);
        foreach (var kind in new[] { "\"vit\"", "\"ibot_head\"", "\"ibot_loss\"", "\"multi_crop\"", "\"block\"", "\"knn\"", "\"image_folder\"", "\"fashion_mnist_sample\"" })
            Assert.Contains(kind, console.Output);
        Assert.Contains("\"patch_size\"", console.Output);
    }
}
