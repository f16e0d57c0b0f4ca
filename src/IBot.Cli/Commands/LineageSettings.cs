using System.ComponentModel;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary>Options every lineage command takes.</summary>
public class LineageSettings : CommandSettings
{
    [CommandOption("--workspace <DIR>")]
    [Description("Workspace holding lineage.db (default: $IBOT_WORKSPACE, else ./runs).")]
    public string? Workspace { get; init; }

    [CommandOption(StoreOption.Template)]
    [Description(StoreOption.Description)]
    public string? Store { get; init; }

    [CommandOption("--json")]
    [Description("Print JSON instead of tables.")]
    public bool Json { get; init; }
}
