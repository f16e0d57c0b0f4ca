using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Scheduling;

namespace IBot.Pipeline.Storage;

/// <summary>
/// The queue, schedules and lineage of one store location, as every command, the service and the run
/// worker get them (<see cref="StoreFactory"/>). A shared store (PostgreSQL) also has <see cref="Cluster"/>
/// (node and run heartbeats in the database); the workspace's LiteDB files have not.
/// </summary>
public sealed class WorkspaceStores
{
    public required StoreLocation Location { get; init; }

    public required Workspace Workspace { get; init; }

    public required IRunQueue Queue { get; init; }

    public required IScheduleStore Schedules { get; init; }

    public required ILineageStore Lineage { get; init; }

    /// <summary>Node-aware operations of a queue several machines share; null for one machine's files.</summary>
    public IClusterQueue? Cluster { get; init; }

    /// <summary>The Quartz job store a shared store's nodes keep cron triggers in; null for one machine's files
    /// (one service, whose triggers live in memory and are rebuilt from the schedules at start).</summary>
    public IClusterTriggerStore? ClusterTriggers { get; init; }

    /// <summary>Connects and reports the store's state in one line ("reachable, schema version 2");
    /// throws the store's exception when it cannot be used.</summary>
    public required Func<string> Check { get; init; }

    /// <summary>What commands print for the store: its URL, or the workspace's files.</summary>
    public string Describe() => Location.Describe(Workspace.Root);

    /// <summary>Where the lineage lives, for messages: the workspace's lineage.db or the store's URL.</summary>
    public string LineageLocation => Location.Url ?? Workspace.LineageDatabase;

    /// <summary>Lineage of queue events (submitted, cancelled, interrupted, requeued) in this store's lineage.</summary>
    public QueueLineage QueueLineage(Action<string> warn) => new(Lineage, warn);
}
