using IBot.Pipeline.Hosting;
using IBot.Pipeline.Specs;
using IBot.Pipeline.Storage;

namespace IBot.Web;

/// <summary>What <c>ibot ui</c> serves and where it listens.</summary>
public sealed class UiOptions
{
    public const string TokenVariable = "IBOT_UI_TOKEN";

    /// <summary>The workspace (run folders) and its queue, schedules and lineage: the workspace's LiteDB files or a
    /// PostgreSQL database, as the front door opened them from <c>--workspace</c> and <c>--store</c>.</summary>
    public required WorkspaceStores Stores { get; init; }

    public Workspace Workspace => Stores.Workspace;

    /// <summary>The address to bind: 127.0.0.1 (this machine only) unless a token guards every request.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port; 0 picks a free one (tests, benchmarks).</summary>
    public int Port { get; init; } = 5080;

    /// <summary>When set, every request needs it (a cookie from the login form, or <c>Authorization: Bearer</c>).</summary>
    public string? Token { get; init; }

    /// <summary>Checks specs submitted from the queue page exactly as <c>ibot submit</c> does; null disables submission.</summary>
    public Func<SpecValidator>? Validator { get; init; }

    /// <summary>The folder of spec files the queue page offers to submit where they lie, and against which an uploaded
    /// spec's own relative <c>extends</c> resolves (<see cref="SpecFolder"/>); null: none.</summary>
    public string? SpecsFolder { get; init; }

    /// <summary>Whether <paramref name="host"/> reaches only this machine (127.0.0.0/8, ::1, localhost).</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));

    /// <summary>Throws <see cref="ArgumentException"/> for a port out of range, a non-loopback host without a token or a
    /// specs folder that is not there.</summary>
    public void Check()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"--port must be between 0 and 65535, not {Port}");
        if (!IsLoopback(Host) && string.IsNullOrEmpty(Token))
            throw new ArgumentException($"--host {Host} is reachable from other machines: give --token (or ${TokenVariable}) so every request needs it");
        if (SpecsFolder is not null && !Directory.Exists(SpecsFolder))
            throw new ArgumentException($"the specs folder {SpecsFolder} does not exist");
    }
}
