using System.Diagnostics;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Components;
using IBot.Pipeline.Specs;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

public sealed class PluginTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ibot-plugins-").FullName;

    [Fact]
    public async Task Sample_plugin_builds_loads_lists_validates_and_evaluates()
    {
        // Build the sample plugin on its own, into a fresh plugin folder.
        var project = Path.Combine(SpecCommandTests.RepoRoot, "plugins", "IBot.Plugins.LogisticProbe", "IBot.Plugins.LogisticProbe.csproj");
        var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, $"-p:PluginDeployDir={folder}", "--nologo", "-v", "q"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var log = await build.StandardOutput.ReadToEndAsync() + await build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync();
        Assert.True(build.ExitCode == 0, log);
        Assert.False(File.Exists(Path.Combine(folder, "IBot.Pipeline.Abstractions.dll")), "the plugin must not ship the abstractions");
        File.WriteAllText(Path.Combine(folder, "Broken.dll"), "not an assembly");

        var catalog = Catalog.Create([folder]);
        var descriptor = catalog.Find(ComponentRole.Evaluator, "logistic_regression");
        Assert.NotNull(descriptor);
        Assert.StartsWith("plugin logistic-probe", descriptor!.Origin);
        Assert.Contains(catalog.Problems, p => p.Contains("Broken") && p.Contains("failed to load"));
        Assert.NotNull(catalog.Find(ComponentRole.Backbone, "vit")); // the others still work

        var console = new TestConsole().Width(300);
        Assert.Equal(0, await CliApp.RunAsync(console, ["components"], catalog: () => catalog));
        Assert.Contains("logistic_regression", console.Output);
        Assert.Contains("Broken", console.Output);

        // Validated and used from a spec.
        var spec = Path.Combine(folder, "probe.yaml");
        File.WriteAllText(spec, $"extends: {Path.Combine(SpecCommandTests.RepoRoot, "specs", "quickstart.yaml")}\nname: probe\nevaluate:\n  - {{ kind: logistic_regression, epochs: 30, lr: 0.05 }}\n");
        var resolved = new SpecValidator(catalog).Validate(spec);
        var component = resolved.Evaluators.Single();
        using var services = new ServiceCollection().BuildServiceProvider();
        var evaluator = ComponentCatalog.Create<IEvaluator>(services, component.Descriptor, component.Options);

        var separable = await evaluator.EvaluateAsync(new FeatureContext(shuffleLabels: false), CancellationToken.None);
        var random = await evaluator.EvaluateAsync(new FeatureContext(shuffleLabels: true), CancellationToken.None);
        Assert.True(separable["top1"] > 95, $"separable features: {separable["top1"]}%");
        Assert.InRange(random["top1"], 10, 45); // 4 classes: chance is 25%
    }

    /// <summary>Four classes of Gaussian blobs (separable), or the same features with labels shuffled.</summary>
    private sealed class FeatureContext(bool shuffleLabels) : IEvaluationContext, IFeatureExtractor
    {
        private readonly Blobs train = new(400, seed: 1, shuffleLabels);
        private readonly Blobs test = new(200, seed: 2, shuffleLabels);

        public IFeatureExtractor Features => this;
        public IImageSource Train => train;
        public IImageSource Test => test;
        public int Epoch => 0;
        public IFeatureExtractor? HeadLogits => null;
        public string FiguresFolder => Path.GetTempPath();
        public int Dimension => 8;
        public void Log(string message) { }
        public float[][] Extract(IImageSource source, CancellationToken cancellationToken) => ((Blobs)source).Features;
    }

    private sealed class Blobs : IImageSource
    {
        private readonly int[] labels;

        public Blobs(int count, int seed, bool shuffleLabels)
        {
            var random = new Random(seed);
            labels = Enumerable.Range(0, count).Select(i => i % 4).ToArray();
            Features = labels.Select(l => Enumerable.Range(0, 8).Select(j => (float)((j == l ? 3.0 : 0.0) + random.NextDouble() - 0.5)).ToArray()).ToArray();
            if (shuffleLabels) random.Shuffle(labels);
        }

        public float[][] Features { get; }
        public int Count => labels.Length;
        public IReadOnlyList<string> Classes => ["a", "b", "c", "d"];
        public int Label(int index) => labels[index];
        public RgbImage Load(int index) => throw new NotSupportedException();
        public string Describe(int index) => $"blob[{index}]";
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
