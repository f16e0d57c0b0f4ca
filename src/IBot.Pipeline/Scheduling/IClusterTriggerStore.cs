using Quartz;

namespace IBot.Pipeline.Scheduling;

/// <summary>
/// Where the nodes of a shared store keep their cron triggers: Quartz's ADO.NET job store in the shared database,
/// clustered, so each fire time of a schedule is acquired by one node under the database's row lock and a trigger
/// that misfired while no node ran is handled once, by Quartz's misfire policy. Each node's own clocks (dispatch,
/// heartbeats, schedule sync) stay in memory: they must fire on every node, which a clustered store never does.
/// </summary>
public interface IClusterTriggerStore
{
    /// <summary>Points the persistent store at the shared database (provider, connection, driver delegate, table prefix).</summary>
    void Configure(IPersistentStoreBuilder store);

    /// <summary>The triggers' store and the Quartz nodes checked in to it, in one line for <c>ibot doctor</c>
    /// (read-only; throws the store's exception when the database cannot be read).</summary>
    string Check(string schedulerName);
}
