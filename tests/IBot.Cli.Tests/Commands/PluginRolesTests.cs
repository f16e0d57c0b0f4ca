using System.Text.Json;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Runs;
using IBot.Pipeline.Specs;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

/// <summary>
/// A plugin with a component in every role (tests/IBot.Plugins.TestRoles, loaded from its build folder
/// like any plugin): the engine constructs each from a spec through the registry and runs them, both
/// under the built-in ibot method and as the method itself.
/// </summary>
public sealed class PluginRolesTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-roles-").FullName;

    /// <summary>The plugin's build output, beside this test assembly's configuration.</summary>
    private static string PluginFolder()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<configuration>/net10.0
        var folder = Path.Combine(SpecCommandTests.RepoRoot, "tests", "IBot.Plugins.TestRoles", "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(folder, "IBot.Plugins.TestRoles.dll")), $"the test plugin is not built in {folder}");
        return folder;
    }

    private string Spec(string train) => $$"""
        name: roles
        seed: 1
        data:
          train: { kind: checkerboards, count: 16 }
          eval_train: { kind: checkerboards, count: 16 }
          eval_test: { kind: checkerboards, count: 8 }
        augmentation: { kind: crop_views, global_size: 16, local_size: 8 }
        masking: { kind: stripes }
        backbone: { kind: patch_mlp, patch_size: 4, dim: 16 }
        heads:
          h: { kind: linear_head, out_dim: 32 }
        objectives:
          - { kind: cls_mse }
        train: {{train}}
        evaluate:
          - { kind: feature_norm }
        resources: { gpus: 0 }
        """;

    [Fact]
    public async Task Every_role_of_a_plugin_is_constructed_from_a_spec_and_trained_by_the_ibot_method()
    {
        var catalog = Catalog.Create([PluginFolder()]);
        var path = Path.Combine(dir, "roles.yaml");
        await File.WriteAllTextAsync(path, Spec("{ epochs: 1, batch_size: 4, optimizer: { warmup_epochs: 0 }, log_every: 1 }"));

        // Constructed by the engine, each from the plugin's assembly (nothing but the method is built in).
        var spec = new SpecValidator(catalog).Validate(path);
        var components = RunPlanner.Build(spec, new ServiceCollection().BuildServiceProvider());
        object?[] fromPlugin = [components.TrainData, components.EvalTrainData, components.EvalTestData, components.Augmentation!.Instance,
            components.Masking!.Instance, components.Backbone!.Instance, components.Heads["h"].Instance,
            components.Objectives.Single().Component.Instance, components.Evaluators.Single().Evaluator];
        Assert.All(fromPlugin, c => Assert.Equal("IBot.Plugins.TestRoles", c!.GetType().Assembly.GetName().Name));
        Assert.All(fromPlugin, c => Assert.StartsWith("plugin:", System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(c!.GetType().Assembly)!.Name));
        RunPlanner.Dispose(components);

        // And run: the built-in method trains the plugin's backbone and head on the plugin's data and loss.
        var workspace = Path.Combine(dir, "ws");
        var console = new TestConsole().Width(300);
        var code = await CliApp.RunAsync(console, ["run", path, "--workspace", workspace, "--device", "cpu", "--json"], catalog: () => catalog);
        Assert.True(code == 0, console.Output);
        using var result = JsonDocument.Parse(console.Output);
        Assert.Equal("completed", result.RootElement.GetProperty("status").GetString());
        Assert.True(result.RootElement.GetProperty("metrics").GetProperty("feature_norm_mean_norm").GetDouble() > 0);
        var run = LineageStores.Open(new Workspace(workspace)).GetRun(result.RootElement.GetProperty("run_id").GetString()!)!;
        Assert.Contains("loss_cls_mse", run.Metrics.Keys);
        Assert.Equal(run.Metrics["loss"].Last, run.Metrics["loss_cls_mse"].Last, 6);
    }

    [Fact]
    public async Task A_plugin_method_named_by_train_kind_is_what_the_engine_runs()
    {
        var catalog = Catalog.Create([PluginFolder()]);
        var path = Path.Combine(dir, "method.yaml");
        await File.WriteAllTextAsync(path, Spec("{ kind: embed_once, batch_size: 4 }"));
        var workspace = Path.Combine(dir, "ws");
        var console = new TestConsole().Width(300);
        var code = await CliApp.RunAsync(console, ["run", path, "--workspace", workspace, "--device", "cpu", "--json"], catalog: () => catalog);
        Assert.True(code == 0, console.Output);
        using var result = JsonDocument.Parse(console.Output);
        var norm = result.RootElement.GetProperty("metrics").GetProperty("mean_token_norm").GetDouble();
        Assert.True(norm > 0);
        // The engine recorded the plugin method's step like any run's.
        var folder = Path.Combine(workspace, result.RootElement.GetProperty("run_id").GetString()!);
        Assert.Contains(File.ReadLines(new IBot.Pipeline.Abstractions.Runs.RunLayout(folder).Metrics), l => l.Contains("\"type\":\"step\"") && l.Contains("\"loss\""));
        Assert.StartsWith("completed", await File.ReadAllTextAsync(new IBot.Pipeline.Abstractions.Runs.RunLayout(folder).Status));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
