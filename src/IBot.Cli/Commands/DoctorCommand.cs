using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text.Json;
using IBot.Cli.Infrastructure;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Storage;
using IBot.Pipeline.Vision.Runtime;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot doctor</c>: what users run when something is off.</summary>
public sealed class DoctorCommand(IAnsiConsole console) : Command<DoctorCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--workspace <DIR>")]
        [Description("Workspace folder (default: $IBOT_WORKSPACE, else ./runs).")]
        public string? Workspace { get; init; }

        [CommandOption(StoreOption.Template)]
        [Description(StoreOption.Description)]
        public string? Store { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON object instead of a table.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var fix = TorchEnvironment.InspectNativeFix();
        var rows = new List<(string Key, string Value)>
        {
            ("ibot", CliApp.Version),
            (".NET", RuntimeInformation.FrameworkDescription),
            ("OS", $"{RuntimeInformation.OSDescription} ({RuntimeInformation.RuntimeIdentifier})"),
            ("TorchSharp", TorchEnvironment.TorchSharpVersion),
        };
        try
        {
            rows.Add(("libtorch", TorchEnvironment.LibTorchVersion));
            rows.Add(("torch threads", $"{TorchEnvironment.Threads} intra-op, {TorchEnvironment.InteropThreads} inter-op"));
            var cuda = TorchEnvironment.CudaDeviceCount;
            rows.Add(("CUDA devices", cuda == 0 ? "none" : string.Join(", ", Enumerable.Range(0, cuda).Select(i => $"cuda:{i}"))));
            rows.Add(("CPU precisions", PrecisionReport.CpuUnits()));
            rows.Add(("CPU matmul 512³", PrecisionReport.Measured(DeviceSpec.Cpu)));
            for (var i = 0; i < cuda; i++) rows.Add(($"cuda:{i} matmul 512³", PrecisionReport.Measured(DeviceSpec.Cuda(i))));
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            rows.Add(("libtorch", $"FAILED TO LOAD: {(e.InnerException ?? e).Message}"));
        }
        rows.Add(("host memory", HostMemory.State));
        string workspace;
        try
        {
            workspace = Workspace.Resolve(settings.Workspace).Root;
        }
        catch (ArgumentException e)
        {
            // Doctor reports what other commands refuse.
            workspace = $"UNUSABLE: {e.Message}";
        }
        rows.Add(("workspace", workspace));
        rows.Add(("store", Store(settings, out var triggers)));
        if (triggers is not null) rows.Add(("cron triggers", triggers));
        rows.Add(("system libstdc++", fix.SystemLibStdCxx ?? "not found"));
        rows.Add(("native-library fix", fix.Describe()));

        if (settings.Json)
        {
            var obj = rows.ToDictionary(r => r.Key, r => r.Value);
            obj["native_fix_in_use"] = fix.InUse ? "true" : "false";
            console.WriteLine(JsonSerializer.Serialize(obj, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("check").AddColumn("value");
        foreach (var (key, value) in rows) table.AddRow(Markup.Escape(key), Markup.Escape(value));
        console.Write(table);
        return 0;
    }

    /// <summary>Where the queue, schedules and lineage live, and whether they can be used now (read-only: nothing is created).</summary>
    private static string Store(Settings settings, out string? triggers)
    {
        triggers = null;
        WorkspaceStores stores;
        try
        {
            stores = CliStores.Open(settings.Workspace, settings.Store);
        }
        catch (ArgumentException e)
        {
            return $"UNUSABLE: {e.Message}";
        }
        try
        {
            var state = stores.Check();
            triggers = stores.ClusterTriggers?.Check(ServiceHost.ClusterSchedulerName);
            return $"{stores.Describe()}: {state}";
        }
        catch (StoreException e)
        {
            return $"{stores.Describe()}: UNUSABLE: {e.Message}";
        }
    }
}
