using System.ComponentModel;
using IBot.Cli.Output;
using IBot.Pipeline.Vision.Benchmarks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot bench data</c>: multi-crop loader throughput, JSON on stdout.</summary>
public sealed class BenchDataCommand(IAnsiConsole console) : Command<BenchDataCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--recipe <NAME>")]
        [Description("paper (2 x 224 + 10 x 96 from 500 x 375 JPEGs), quickstart (embedded Fashion-MNIST), or all.")]
        [DefaultValue("all")]
        public string Recipe { get; init; } = "all";

        [CommandOption("--threads <LIST>")]
        [Description("Comma-separated worker-thread counts.")]
        [DefaultValue("1,2")]
        public string Threads { get; init; } = "1,2";

        [CommandOption("--batch <N>")]
        [Description("Images per batch.")]
        [DefaultValue(32)]
        public int Batch { get; init; } = 32;

        [CommandOption("--batches <N>")]
        [Description("Timed batches per measurement (after one warm-up batch).")]
        [DefaultValue(4)]
        public int Batches { get; init; } = 4;

        public override ValidationResult Validate() =>
            Batch <= 0 || Batches <= 0 ? ValidationResult.Error("--batch and --batches must be positive")
            : BenchSettings.ParseRecipes(Recipe) is null ? ValidationResult.Error($"unknown recipe '{Recipe}'; expected paper, quickstart or all")
            : BenchSettings.ParseInts(Threads) is null ? ValidationResult.Error($"--threads '{Threads}' is not a list of positive integers")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var results = new List<DataBenchmarkResult>();
        foreach (var recipe in BenchSettings.ParseRecipes(settings.Recipe)!)
            foreach (var threads in BenchSettings.ParseInts(settings.Threads)!)
            {
                cancellationToken.ThrowIfCancellationRequested();
                results.Add(DataBenchmark.Run(recipe, threads, settings.Batch, settings.Batches));
            }
        JsonOutput.Write(console, results);
        return 0;
    }
}
