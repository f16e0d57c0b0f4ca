using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Storage;

namespace IBot.Pipeline.Runs;

/// <summary>What a front door asks the engine to run: a spec (with overrides) or a run to resume.</summary>
public sealed record RunRequest
{
    /// <summary>A spec file; null with <see cref="Resume"/>.</summary>
    public string? Spec { get; init; }

    /// <summary><c>--set path=value</c> overrides (a new run only).</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>A run (id in the workspace, or its folder) to continue from its checkpoint with its saved spec.</summary>
    public string? Resume { get; init; }

    /// <summary>The device; null takes the runtime's default.</summary>
    public DeviceSpec? Device { get; init; }

    public required Workspace Workspace { get; init; }

    /// <summary>The lineage store (and, for a queue several machines share, the run heartbeat in the database);
    /// null: the workspace's own LiteDB file.</summary>
    public WorkspaceStores? Stores { get; init; }

    /// <summary>The queue in which the run beats while it runs, when that queue is shared by several nodes.</summary>
    public IClusterQueue? Cluster => Stores?.Cluster;

    /// <summary>Skip the work when a completed run had the same canonical inputs.</summary>
    public bool Reuse { get; init; }
}
