using System.ComponentModel;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary>Settings of the commands that open a workspace's stores: the workspace, and the store (<c>--store</c>).</summary>
public class StoreSettings : CommandSettings
{
    [CommandOption("--workspace <DIR>")]
    [Description("Workspace (default: $IBOT_WORKSPACE, else ./runs).")]
    public string? Workspace { get; init; }

    [CommandOption(StoreOption.Template)]
    [Description(StoreOption.Description)]
    public string? Store { get; init; }
}

/// <summary>Settings of the queue commands: the workspace whose queue they use, and JSON output.</summary>
public class WorkspaceSettings : StoreSettings
{
    [CommandOption("--json")]
    [Description("JSON on stdout.")]
    public bool Json { get; init; }
}
