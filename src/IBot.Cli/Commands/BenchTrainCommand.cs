using System.ComponentModel;
using IBot.Cli.Output;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Runs;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Benchmarks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot bench train</c>: training-step throughput on random inputs, JSON on stdout.</summary>
public sealed class BenchTrainCommand(IAnsiConsole console, IBot.Pipeline.Components.ComponentCatalog catalog, IRuntimeInfo runtime) : Command<BenchTrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--recipe <NAME>")]
        [Description("paper (ViT-S/16, 2 x 224 + 10 x 96), quickstart, or all.")]
        [DefaultValue("all")]
        public string Recipe { get; init; } = "all";

        [CommandOption("--spec <SPEC>")]
        [Description("Benchmark this spec end to end (real data, loader included) instead of a recipe on random inputs.")]
        public string? Spec { get; init; }

        [CommandOption("--set <PATH=VALUE>")]
        [Description("Override a key of --spec (repeatable).")]
        public string[] Set { get; init; } = [];

        [CommandOption("--device <DEVICE>")]
        [Description("cpu, cuda or cuda:N.")]
        [DefaultValue("cpu")]
        public string Device { get; init; } = "cpu";

        [CommandOption("--batch <N>")]
        [Description("Images per step.")]
        [DefaultValue(8)]
        public int Batch { get; init; } = 8;

        [CommandOption("--steps <N>")]
        [Description("Timed steps (after the warm-up steps).")]
        [DefaultValue(3)]
        public int Steps { get; init; } = 3;

        [CommandOption("--precision <P>")]
        [Description("Recipes only: fp32, bf16 or fp16 (with --spec, use --set train.precision=...).")]
        [DefaultValue("fp32")]
        public string Precision { get; init; } = "fp32";

        [CommandOption("--warmup <N>")]
        [Description("Untimed steps first: .NET compiles hot code again, optimised, during the first seconds, and allocator and kernel caches fill.")]
        [DefaultValue(3)]
        public int Warmup { get; init; } = 3;

        public override ValidationResult Validate() =>
            Batch <= 0 || Steps <= 0 ? ValidationResult.Error("--batch and --steps must be positive")
            : Warmup < 0 ? ValidationResult.Error("--warmup must be 0 or more")
            : !Enum.TryParse<Precision>(Precision, ignoreCase: true, out _) || int.TryParse(Precision, out _) ? ValidationResult.Error($"unknown precision '{Precision}'; expected fp32, bf16 or fp16")
            : Spec is not null && Precision != "fp32" ? ValidationResult.Error("--precision is for recipes; with --spec, use --set train.precision=" + Precision)
            : BenchSettings.ParseRecipes(Recipe) is null ? ValidationResult.Error($"unknown recipe '{Recipe}'; expected paper, quickstart or all")
            : !DeviceSpec.TryParse(Device, out _) ? ValidationResult.Error($"'{Device}' is not a device; expected cpu, cuda or cuda:N")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var spec = DeviceSpec.Parse(settings.Device);
        if (settings.Spec is not null)
        {
            JsonOutput.Write(console, new[] { SpecBenchmark.Run(catalog, runtime, settings.Spec, settings.Set, spec, settings.Steps, settings.Warmup) });
            return 0;
        }
        var device = TorchDevices.Of(spec);
        var results = BenchSettings.ParseRecipes(settings.Recipe)!
            .Select(r => TrainBenchmark.Run(r, device, settings.Batch, settings.Steps, settings.Warmup, Enum.Parse<Precision>(settings.Precision, ignoreCase: true)))
            .ToList();
        JsonOutput.Write(console, results);
        return 0;
    }
}

/// <summary>Option parsing shared by the bench commands.</summary>
internal static class BenchSettings
{
    public static Recipe[]? ParseRecipes(string name) => name switch
    {
        "all" => [Recipe.Quickstart, Recipe.Paper],
        "paper" or "quickstart" or "paper-tiny" => [Recipe.ByName(name)],
        _ => null,
    };

    public static int[]? ParseInts(string list)
    {
        var parts = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = parts.Select(p => int.TryParse(p, out var v) && v > 0 ? v : -1).ToArray();
        return values.Length == 0 || values.Any(v => v < 0) ? null : values;
    }
}
