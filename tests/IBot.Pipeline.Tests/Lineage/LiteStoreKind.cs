using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Lite;

namespace IBot.Pipeline.Tests.Lineage;

/// <summary>The workspace's <c>lineage.db</c>: always available.</summary>
public sealed class LiteStoreKind : ILineageStoreKind
{
    public void SkipUnlessAvailable() { }

    public ILineageStore Open(string folder) => new LiteLineageStore(Path.Combine(folder, "lineage.db"));
}
