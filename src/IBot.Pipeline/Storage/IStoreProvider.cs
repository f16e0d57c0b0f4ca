using IBot.Pipeline.Hosting;

namespace IBot.Pipeline.Storage;

/// <summary>A kind of store (the workspace's LiteDB files, PostgreSQL): opens the queue, schedules and lineage of a location.</summary>
public interface IStoreProvider
{
    bool Handles(StoreLocation location);

    /// <summary>The stores of <paramref name="location"/> for <paramref name="workspace"/>; connects or creates nothing yet.</summary>
    WorkspaceStores Open(StoreLocation location, Workspace workspace);
}
