using System.ComponentModel;
using IBot.Cli.Output;
using IBot.Web;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot bench ui</c>: time to first render of the web UI's runs table over many runs, JSON on stdout.</summary>
public sealed class BenchUiCommand(IAnsiConsole console) : Command<BenchUiCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--runs <N>")]
        [Description("Runs in the workspace (default 10000).")]
        [DefaultValue(10000)]
        public int Runs { get; init; } = 10000;

        [CommandOption("--repeats <N>")]
        [Description("Loads of each page after the first (default 20).")]
        [DefaultValue(20)]
        public int Repeats { get; init; } = 20;

        [CommandOption("--dir <DIR>")]
        [Description("Where to build the workspace (default: a temporary folder, deleted after).")]
        public string? Dir { get; init; }

        public override ValidationResult Validate() =>
            Runs < 1 ? ValidationResult.Error("--runs must be at least 1")
            : Repeats < 1 ? ValidationResult.Error("--repeats must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = settings.Dir ?? Directory.CreateTempSubdirectory("ibot-bench-ui-").FullName;
        try
        {
            JsonOutput.Write(console, UiBenchmark.Run(folder, settings.Runs, settings.Repeats, cancellationToken).GetAwaiter().GetResult());
        }
        finally
        {
            if (settings.Dir is null) Directory.Delete(folder, recursive: true);
        }
        return 0;
    }
}
