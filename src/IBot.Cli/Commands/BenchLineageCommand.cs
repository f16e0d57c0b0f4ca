using System.ComponentModel;
using IBot.Cli.Output;
using IBot.Pipeline.Lineage.Bench;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot bench lineage</c>: lineage store insert and query latency, JSON on stdout.</summary>
public sealed class BenchLineageCommand(IAnsiConsole console) : Command<BenchLineageCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--sizes <LIST>")]
        [Description("Comma-separated run counts; the database grows from one to the next.")]
        [DefaultValue("1000,10000,100000")]
        public string Sizes { get; init; } = "1000,10000,100000";

        [CommandOption("--dir <DIR>")]
        [Description("Where to build the database (default: a temporary folder, deleted after).")]
        public string? Dir { get; init; }

        public override ValidationResult Validate() =>
            BenchSettings.ParseInts(Sizes) is null ? ValidationResult.Error($"--sizes '{Sizes}' is not a list of positive integers") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = settings.Dir ?? Directory.CreateTempSubdirectory("ibot-bench-lineage-").FullName;
        Directory.CreateDirectory(folder);
        try
        {
            var results = new List<LineageBenchmarkResult>();
            foreach (var result in LineageBenchmark.Run(folder, BenchSettings.ParseInts(settings.Sizes)!))
            {
                cancellationToken.ThrowIfCancellationRequested();
                results.Add(result);
            }
            JsonOutput.Write(console, results);
        }
        finally
        {
            if (settings.Dir is null) Directory.Delete(folder, recursive: true);
        }
        return 0;
    }
}
