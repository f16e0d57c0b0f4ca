namespace IBot.Pipeline.Hosting;

/// <summary>How <c>ibot serve</c> runs: its slots and its clocks.</summary>
public sealed record ServiceOptions
{
    /// <summary>One entry per slot: <c>cuda:N</c> per GPU, or <c>cpu</c> repeated <c>--cpu-slots</c> times.</summary>
    public required IReadOnlyList<string> Slots { get; init; }

    /// <summary>How often queued runs are matched to free slots (also right after any run ends).</summary>
    public TimeSpan DispatchInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often running runs' heartbeats and processes are checked.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A run whose heartbeat is older than this is considered hung: it is killed and requeued.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often cron schedules added or removed through the CLI are picked up.</summary>
    public TimeSpan ScheduleSyncInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a shutdown waits for running runs to checkpoint and stop before killing them.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>This node's name (<c>ibot serve --node</c>) in a queue several machines share; null on one machine.
    /// A node recovers and settles only its own runs, and takes over those of a node that stopped beating.</summary>
    public string? Node { get; init; }

    /// <summary>How late a cron fire may be before it counts as missed (a shared store's triggers; Quartz's misfire threshold).</summary>
    public TimeSpan MisfireThreshold { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a node checks in with the shared trigger store, and so how soon a dead node's fires are recovered.</summary>
    public TimeSpan ClusterCheckinInterval { get; init; } = TimeSpan.FromSeconds(7.5);

    /// <summary>Starts per run, the first included: a run interrupted this many times fails.</summary>
    public int MaxAttempts { get; init; } = 3;
}
