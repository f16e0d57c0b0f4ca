using System.ComponentModel;
using IBot.Cli.Output;
using IBot.Pipeline.Lineage.Bench;
using IBot.Pipeline.Postgres;
using IBot.Pipeline.Storage;
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

        [CommandOption("--store <URL>")]
        [Description("Benchmark an empty PostgreSQL database instead (postgres://user@host:port/db); default: a LiteDB file in --dir.")]
        public string? Store { get; init; }

        [CommandOption("--dir <DIR>")]
        [Description("Where to build the database (default: a temporary folder, deleted after).")]
        public string? Dir { get; init; }

        public override ValidationResult Validate() =>
            BenchSettings.ParseInts(Sizes) is null ? ValidationResult.Error($"--sizes '{Sizes}' is not a list of positive integers") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Store is not null)
        {
            // Only the option: IBOT_STORE names the team's database, which the benchmark must never fill.
            var location = StoreLocation.Parse(settings.Store);
            var store = new PgLineageStore(new PgDatabase(location));
            JsonOutput.Write(console, Collect(LineageBenchmark.Run(store, store.DatabaseBytes, BenchSettings.ParseInts(settings.Sizes)!), cancellationToken));
            return 0;
        }
        var folder = settings.Dir ?? Directory.CreateTempSubdirectory("ibot-bench-lineage-").FullName;
        Directory.CreateDirectory(folder);
        try
        {
            JsonOutput.Write(console, Collect(LineageBenchmark.Run(folder, BenchSettings.ParseInts(settings.Sizes)!), cancellationToken));
        }
        finally
        {
            if (settings.Dir is null) Directory.Delete(folder, recursive: true);
        }
        return 0;
    }

    private static List<LineageBenchmarkResult> Collect(IEnumerable<LineageBenchmarkResult> results, CancellationToken cancellationToken)
    {
        var list = new List<LineageBenchmarkResult>();
        foreach (var result in results)
        {
            cancellationToken.ThrowIfCancellationRequested();
            list.Add(result);
        }
        return list;
    }
}
