using System.ComponentModel;
using IBot.Cli.Infrastructure;
using IBot.Cli.Output;
using IBot.Pipeline.Components;
using IBot.Pipeline.Specs;
using IBot.Pipeline.Storage;
using IBot.Web;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot ui</c>: the web UI over a workspace and its store (runs, curves, lineage, the queue) until SIGINT or
/// SIGTERM; the store is the workspace's LiteDB files unless <c>--store</c> / <c>IBOT_STORE</c> names a PostgreSQL
/// database, opened as every other command opens it. Binds 127.0.0.1 unless given another <c>--host</c>, which then needs a token.</summary>
public sealed class UiCommand(IAnsiConsole console, ComponentCatalog catalog) : Command<UiCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandOption("--port <PORT>")]
        [Description("Port (default 5080; 0 picks a free one).")]
        [DefaultValue(5080)]
        public int Port { get; init; } = 5080;

        [CommandOption("--host <ADDRESS>")]
        [Description("Address to bind (default 127.0.0.1, this machine only); any other needs --token.")]
        [DefaultValue("127.0.0.1")]
        public string Host { get; init; } = "127.0.0.1";

        [CommandOption("--token <TOKEN>")]
        [Description("Every request needs it (login form or Authorization: Bearer); default $IBOT_UI_TOKEN.")]
        public string? Token { get; init; }

        [CommandOption("--specs <DIR>")]
        [Description("Spec files the queue page offers to submit where they lie; an uploaded spec's relative extends resolves here (default: ./specs if it exists).")]
        public string? Specs { get; init; }
    }

    /// <summary>The UI's options from a command's settings (shared with <c>ibot serve --ui</c>).</summary>
    public static UiOptions Options(WorkspaceStores stores, string host, int port, string? token, string? specs, ComponentCatalog catalog) => new()
    {
        Stores = stores,
        Host = host,
        Port = port,
        Token = string.IsNullOrEmpty(token) ? Environment.GetEnvironmentVariable(UiOptions.TokenVariable) is { Length: > 0 } t ? t : null : token,
        Validator = () => new SpecValidator(catalog),
        SpecsFolder = SpecsFolder(specs),
    };

    /// <summary>The specs folder: the one given, else <c>./specs</c> of the directory ibot started in when there is one, else none.</summary>
    public static string? SpecsFolder(string? given) =>
        !string.IsNullOrEmpty(given) ? Path.GetFullPath(given) : Directory.Exists("specs") ? Path.GetFullPath("specs") : null;

    /// <summary>What the UI serves, as its start line names it: the workspace, and the store when it is not the workspace's files.</summary>
    public static string Over(WorkspaceStores stores) => stores.Location.IsPostgres ? $"{stores.Workspace.Root}, store {stores.Location.Url}" : stores.Workspace.Root;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var stores = CliStores.Open(settings.Workspace, settings.Store);
        var options = Options(stores, settings.Host, settings.Port, settings.Token, settings.Specs, catalog);
        options.Check();
        // The store usable before the UI binds (read-only: creates nothing): an unreachable database is one line
        // (exit 2) here, not an error on every page.
        stores.Check();
        using var app = UiApp.Build(options);
        app.StartAsync(cancellationToken).GetAwaiter().GetResult();
        UiApp.WarmUp(app, options.Token, cancellationToken).GetAwaiter().GetResult();
        JsonOutput.Line(console, $"ibot ui: {UiApp.Address(app)} over {Over(stores)}{(options.Token is null ? "" : " (token required)")} (pid {Environment.ProcessId})");
        app.WaitForShutdownAsync(cancellationToken).GetAwaiter().GetResult();
        JsonOutput.Line(console, "ibot ui: stopped");
        return 0;
    }
}
