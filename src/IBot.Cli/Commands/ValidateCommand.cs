using System.ComponentModel;
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

/// <summary><c>ibot validate</c>: every problem of a spec, each as file:line:col: message.</summary>
public sealed class ValidateCommand(IAnsiConsole console, ComponentCatalog catalog) : Command<ValidateCommand.Settings>
{
    public sealed class Settings : SpecSettings
    {
        [CommandOption("--json")]
        [Description("One JSON object: valid, errors, hash.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var resolved = new SpecValidator(catalog).Validate(settings.Spec, settings.Set);
            if (settings.Json) Output.JsonOutput.Write(console, new { Valid = true, Errors = Array.Empty<string>(), resolved.Hash });
            else console.MarkupLineInterpolated($"[green]{settings.Spec}: valid[/] (spec hash {resolved.Hash[..12]})");
            return 0;
        }
        catch (SpecException e)
        {
            if (settings.Json) Output.JsonOutput.Write(console, new { Valid = false, Errors = e.Errors.Select(x => x.ToString()).ToArray(), Hash = (string?)null });
            else
            {
                foreach (var error in e.Errors) Output.JsonOutput.Line(console, error.ToString());
                console.MarkupLineInterpolated($"[red]{e.Errors.Count} error{(e.Errors.Count == 1 ? "" : "s")}[/]");
            }
            return 2;
        }
    }
}
