using System.ComponentModel;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Components;
using IBot.Pipeline.Specs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary>Settings shared by commands that read a spec.</summary>
public class SpecSettings : CommandSettings
{
    [CommandArgument(0, "<SPEC>")]
    [Description("Experiment spec (YAML).")]
    public string Spec { get; init; } = "";

    [CommandOption("--set <PATH=VALUE>")]
    [Description("Override a key, e.g. --set train.optimizer.lr=1e-3 (repeatable).")]
    public string[] Set { get; init; } = [];
}

/// <summary><c>ibot validate</c>: every problem of a spec and of every run of its sweep, each as file:line:col: message.</summary>
public sealed class ValidateCommand(IAnsiConsole console, Output.ErrorConsole errors, ComponentCatalog catalog, IRuntimeInfo runtime) : Command<ValidateCommand.Settings>
{
    public sealed class Settings : SpecSettings
    {
        [CommandOption("--json")]
        [Description("One JSON object: valid, errors, hash, runs.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            // The spec and every run of its sweep, exactly as ibot submit checks them.
            var checkedRuns = SpecRuns.Validate(new SpecValidator(catalog), settings.Spec, settings.Set);
            var hash = checkedRuns.Spec.Hash;
            var runs = checkedRuns.Runs.Count;
            // Valid, but worth a line on this machine's default device (e.g. a precision its CPU emulates).
            foreach (var advice in checkedRuns.Spec.Advice(runtime.DefaultDevice)) errors.Warning(advice);
            if (settings.Json) Output.JsonOutput.Write(console, new { Valid = true, Errors = Array.Empty<string>(), Hash = hash, Runs = runs });
            else console.MarkupLineInterpolated($"[green]{settings.Spec}: valid[/] (spec hash {hash[..12]}; {runs} run{(runs == 1 ? "" : "s")})");
            return 0;
        }
        catch (SpecException e)
        {
            // The errors are the answer, on stderr as every error is; with --json, also the verdict on stdout.
            var summary = $"{e.Errors.Count} error{(e.Errors.Count == 1 ? "" : "s")} in the spec";
            foreach (var error in e.Errors) errors.Line(error.ToString());
            errors.Error(summary);
            if (settings.Json) Output.JsonOutput.Write(console, new { Valid = false, Error = summary, Errors = e.Errors.Select(x => x.ToString()).ToArray(), Hash = (string?)null });
            return 2;
        }
    }
}
