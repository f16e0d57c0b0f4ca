using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Components;
using IBot.Pipeline.Specs;
using Microsoft.Extensions.DependencyInjection;

namespace IBot.Pipeline.Runs;

/// <summary><c>ibot bench train --spec</c>: a spec's components built as a run builds them, then its
/// method's benchmark of the first training steps on the real data (nothing written, nothing recorded).</summary>
public static class SpecBenchmark
{
    public static SpecTrainBenchmarkResult Run(ComponentCatalog catalog, IRuntimeInfo runtime, string specPath, IReadOnlyList<string> overrides,
        DeviceSpec? device, int steps, int warmup, IServiceProvider? services = null)
    {
        var spec = new SpecValidator(catalog).Validate(specPath, overrides);
        if (!spec.IsTraining) throw new InvalidDataException($"{specPath}: no 'train' section; bench train needs a training spec");
        var components = RunPlanner.Build(spec, services ?? new ServiceCollection().BuildServiceProvider());
        try
        {
            var context = new RunContext
            {
                Layout = new RunLayout(Path.Combine(Path.GetTempPath(), "ibot-bench")), Name = spec.Spec.Name, Seed = spec.Spec.Seed,
                Device = device ?? runtime.DefaultDevice, SpecYaml = spec.ToYaml(), Components = components, Observer = new CompositeRunObserver(),
            };
            return components.Method.As<ITrainingBenchmark>().Benchmark(context, steps, warmup);
        }
        finally
        {
            RunPlanner.Dispose(components);
        }
    }
}
