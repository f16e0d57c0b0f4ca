using System.ComponentModel;
using IBot.Cli.Infrastructure;
using IBot.Cli.Output;
using IBot.Pipeline.Components;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Specs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot serve</c>: the hosted service. Runs queued runs as child processes on device
/// slots until SIGINT or SIGTERM, then lets them checkpoint, requeues them and exits 0. With a shared store
/// (<c>--store postgres://…</c>) it is one node of several (<c>--node</c>, default the machine name) sharing the
/// queue and the workspace path.</summary>
public sealed class ServeCommand(IAnsiConsole console, ErrorConsole errors, ComponentCatalog catalog) : Command<ServeCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandOption("--node <NAME>")]
        [Description("This machine's name among the nodes of a shared store (default: the host name); one ibot serve per name.")]
        public string? Node { get; init; }

        [CommandOption("--devices <LIST>")]
        [Description("Comma-separated devices, one run each: cuda:0,cuda:1 (default: every CUDA device TorchSharp reports).")]
        public string? Devices { get; init; }

        [CommandOption("--cpu-slots <N>")]
        [Description("Runs at once on the CPU; alone, CPU only (default: 1 when no CUDA device is found).")]
        public int? CpuSlots { get; init; }

        [CommandOption("--max-attempts <N>")]
        [Description("Starts per run before an interrupted run fails (default 3).")]
        public int MaxAttempts { get; init; } = 3;

        [CommandOption("--ui")]
        [Description("Also serve the web UI (as ibot ui does) for as long as the service runs.")]
        public bool Ui { get; init; }

        [CommandOption("--ui-port <PORT>")]
        [Description("The web UI's port (default 5080; 0 picks a free one).")]
        [DefaultValue(5080)]
        public int UiPort { get; init; } = 5080;

        [CommandOption("--ui-host <ADDRESS>")]
        [Description("The web UI's address (default 127.0.0.1); any other needs --token.")]
        [DefaultValue("127.0.0.1")]
        public string UiHost { get; init; } = "127.0.0.1";

        [CommandOption("--token <TOKEN>")]
        [Description("Every web UI request needs it; default $IBOT_UI_TOKEN.")]
        public string? Token { get; init; }

        [CommandOption("--ui-specs <DIR>")]
        [Description("Spec files the web UI's queue page offers to submit (as ibot ui --specs; default: ./specs if it exists).")]
        public string? UiSpecs { get; init; }

        [CommandOption("--dispatch-ms <MS>", IsHidden = true)]
        public int DispatchMs { get; init; } = 1000;

        [CommandOption("--heartbeat-check-ms <MS>", IsHidden = true)]
        public int HeartbeatCheckMs { get; init; } = 5000;

        [CommandOption("--heartbeat-timeout-s <S>", IsHidden = true)]
        public double HeartbeatTimeoutSeconds { get; init; } = 60;

        [CommandOption("--stop-timeout-s <S>", IsHidden = true)]
        public double StopTimeoutSeconds { get; init; } = 120;

        public override ValidationResult Validate() =>
            CpuSlots is < 0 or > 256 ? ValidationResult.Error("--cpu-slots must be between 0 and 256")
            : MaxAttempts < 1 ? ValidationResult.Error("--max-attempts must be at least 1")
            : Node is not null && !System.Text.RegularExpressions.Regex.IsMatch(Node, "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
                ? ValidationResult.Error($"--node '{Node}' must be 1-64 letters, digits, '.', '_' or '-'")
            : Devices?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(d => !IBot.Pipeline.Abstractions.Runtime.DeviceSpec.TryParse(d, out _)) is { } bad
                ? ValidationResult.Error($"'{bad}' is not a device; expected cpu, cuda or cuda:N")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var access = QueueAccess.Open(settings.Workspace, settings.Store);
        var stores = access.Stores;
        if (settings.Node is not null && stores.Cluster is null)
            throw new ArgumentException("--node names a node of a shared store: give --store postgres://user@host:port/db (or IBOT_STORE)");
        var node = stores.Cluster is null ? null : settings.Node ?? Environment.MachineName;
        // A UI that could not be bound safely stops the service before it starts anything.
        var uiOptions = settings.Ui ? UiCommand.Options(stores, settings.UiHost, settings.UiPort, settings.Token, settings.UiSpecs, catalog) : null;
        uiOptions?.Check();
        // Both databases usable before the service starts anything: it would only fail every run it started.
        access.Queue.Verify();
        var lineage = access.Lineage(errors.Warning);
        lineage.Verify();
        using var serviceLock = ServiceLock.TryAcquire(access.Workspace, node)
            ?? throw new InvalidDataException(node is null ? $"another ibot serve is running on {access.Workspace.Root} (see serve.lock)"
                : $"another ibot serve is running as node '{node}' on {access.Workspace.Root} (see serve-{node}.lock)");
        var options = new ServiceOptions
        {
            Slots = Slots(settings),
            DispatchInterval = TimeSpan.FromMilliseconds(settings.DispatchMs),
            HeartbeatInterval = TimeSpan.FromMilliseconds(settings.HeartbeatCheckMs),
            HeartbeatTimeout = TimeSpan.FromSeconds(settings.HeartbeatTimeoutSeconds),
            StopTimeout = TimeSpan.FromSeconds(settings.StopTimeoutSeconds),
            MaxAttempts = settings.MaxAttempts,
            Node = node,
        };
        var submitter = new RunSubmitter(new SpecValidator(catalog), access.Queue, access.Schedules, access.Workspace, lineage);
        var launcher = new ProcessRunLauncher(WorkerCommand.Current(), access.Workspace, stores.Location.Url);
        using var host = ServiceHost.Build(options, access.Workspace, access.Queue, access.Schedules, launcher, submitter,
            logging => logging.AddProvider(new ConsoleLoggerProvider(console, errors, LogLevel.Information)).AddFilter("Quartz", LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning),
            lineage, stores.Cluster, stores.ClusterTriggers);
        JsonOutput.Line(console, $"ibot serve: {access.Workspace.Root}, {(node is null ? "" : $"node {node} of {stores.Describe()}, ")}slots {string.Join(", ", options.Slots)} (pid {Environment.ProcessId})");
        using var ui = uiOptions is null ? null : IBot.Web.UiApp.Build(uiOptions);
        if (ui is not null)
        {
            ui.StartAsync(cancellationToken).GetAwaiter().GetResult();
            IBot.Web.UiApp.WarmUp(ui, uiOptions!.Token, cancellationToken).GetAwaiter().GetResult();
            JsonOutput.Line(console, $"ibot ui: {IBot.Web.UiApp.Address(ui)} over {UiCommand.Over(stores)}{(uiOptions.Token is null ? "" : " (token required)")}");
        }
        host.RunAsync(cancellationToken).GetAwaiter().GetResult();
        ui?.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        JsonOutput.Line(console, "ibot serve: stopped");
        return 0;
    }

    private static List<string> Slots(Settings settings)
    {
        // --cpu-slots alone means CPU only, and spares the service loading libtorch to count GPUs.
        var slots = settings.Devices?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList()
            ?? (settings.CpuSlots is not null ? []
                : Enumerable.Range(0, TorchSharp.torch.cuda.is_available() ? TorchSharp.torch.cuda.device_count() : 0).Select(i => $"cuda:{i}").ToList());
        var cpu = settings.CpuSlots ?? (slots.Count == 0 ? 1 : 0);
        slots.AddRange(Enumerable.Repeat("cpu", cpu));
        if (slots.Count == 0) throw new ArgumentException("no device slots: give --devices or --cpu-slots");
        return slots;
    }
}
