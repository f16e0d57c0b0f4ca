using IBot.Pipeline.Hosting;
using IBot.Pipeline.Storage;

namespace IBot.Pipeline.Lineage;

/// <summary>The lineage store of a workspace's own LiteDB file; commands and the run worker get theirs
/// from <see cref="StoreFactory"/>, which also knows shared stores.</summary>
public static class LineageStores
{
    public static ILineageStore Open(Workspace workspace) => StoreFactory.Lite.Open(StoreLocation.Workspace, workspace).Lineage;
}
