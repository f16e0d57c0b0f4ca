using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage.Lite;

namespace IBot.Pipeline.Lineage;

/// <summary>The lineage store of a workspace: today its LiteDB file.</summary>
public static class LineageStores
{
    public static ILineageStore Open(Workspace workspace) => new LiteLineageStore(workspace.LineageDatabase);
}
