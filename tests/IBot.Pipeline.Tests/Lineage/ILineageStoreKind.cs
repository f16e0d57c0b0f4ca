using IBot.Pipeline.Lineage;

namespace IBot.Pipeline.Tests.Lineage;

/// <summary>A lineage store the shared suites run against: the LiteDB file here, PostgreSQL in its own test
/// project, so that both stores answer every query the same.</summary>
public interface ILineageStoreKind
{
    /// <summary>Skips the calling <c>[SkippableFact]</c> when this store cannot be had on this machine.</summary>
    void SkipUnlessAvailable();

    /// <summary>A new, empty store; <paramref name="folder"/> is the test's own temporary folder.</summary>
    ILineageStore Open(string folder);
}
