using IBot.Pipeline.Hosting;

namespace IBot.Pipeline.Storage;

/// <summary>
/// The one place commands, the service and the run worker get their stores from: the first provider
/// that handles the location opens it. The engine knows the workspace's LiteDB files; a front door adds
/// the providers of its other stores (PostgreSQL lives in its own assembly).
/// </summary>
public sealed class StoreFactory(IEnumerable<IStoreProvider> providers)
{
    /// <summary>The workspace's LiteDB files only.</summary>
    public static StoreFactory Lite { get; } = new([new LiteStoreProvider()]);

    private readonly IReadOnlyList<IStoreProvider> providers = providers.Concat([new LiteStoreProvider()]).ToList();

    public WorkspaceStores Open(StoreLocation location, Workspace workspace) =>
        (providers.FirstOrDefault(p => p.Handles(location))
            ?? throw new ArgumentException($"this ibot has no store for '{location}'")).Open(location, workspace);

    /// <summary>The workspace resolved from its option, and the stores from <c>--store</c> / <c>IBOT_STORE</c>.</summary>
    public WorkspaceStores Open(string? workspaceOption, string? storeOption) =>
        Open(StoreLocation.Resolve(storeOption), Workspace.Resolve(workspaceOption));
}
