using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;

namespace IBot.Pipeline.Tests.Lineage;

/// <summary>A lineage database that is cut short, emptied or overwritten is refused by every call, in
/// one clear exception, and stays byte for byte as it was: reads open it read-only, writes take back
/// what LiteDB writes on its way out of a failed unit, and nothing is recreated over it.</summary>
public sealed class DamagedStoreTests : IDisposable
{
    private readonly LineageFixture lineage = new();

    /// <summary>A database of some pages: 300 runs with a few params each.</summary>
    private byte[] Filled()
    {
        var batch = new LineageBatch();
        for (var i = 0; i < 300; i++)
            batch.Runs.Add(LineageFixture.Run($"run-{i:D3}", parameters: [("train.optimizer.lr", i * 1e-5), ("masking.kind", i % 2 == 0 ? "block" : "random"), ("seed", i)]));
        lineage.Lite.Write(batch);
        return File.ReadAllBytes(lineage.Lite.DatabasePath);
    }

    private static LineageBatch OneMore()
    {
        var batch = new LineageBatch();
        batch.Runs.Add(LineageFixture.Run("one-more"));
        return batch;
    }

    /// <summary>Every kind of call refuses the file with the store's exception and leaves it as <paramref name="bytes"/>.</summary>
    private void AssertRefusedAndKept(byte[] bytes, string reason)
    {
        var store = lineage.Lite;
        foreach (var call in new Action[]
                 {
                     () => store.QueryRuns(new RunQuery("status = 'completed'")),
                     () => store.GetRun("run-007"),
                     () => store.Write(OneMore()),
                     store.Verify,
                 })
        {
            var e = Assert.Throws<LineageStoreException>(call);
            Assert.Contains("damaged or not a lineage database", e.Message);
            Assert.Contains(reason, e.Message);
            Assert.Contains("it was left as it is", e.Message);
            Assert.Equal(bytes, File.ReadAllBytes(store.DatabasePath));
        }
        Assert.False(File.Exists(Storage.LiteFileCheck.LogPath(store.DatabasePath)));
    }

    [Fact]
    public void A_database_cut_to_half_is_refused_and_kept_byte_for_byte()
    {
        var whole = Filled();
        var half = whole[..(whole.Length / 2 / 8192 * 8192)];
        File.WriteAllBytes(lineage.Lite.DatabasePath, half);
        AssertRefusedAndKept(half, "cut short");
    }

    [Fact]
    public void An_empty_database_file_is_damaged_not_new()
    {
        Filled();
        File.WriteAllBytes(lineage.Lite.DatabasePath, []);
        AssertRefusedAndKept([], "empty");
    }

    [Fact]
    public void A_database_overwritten_past_its_header_is_refused_and_kept_byte_for_byte()
    {
        var bytes = Filled();
        // Header page intact (so LiteDB opens it), every other page noise: LiteDB meets the damage itself.
        new Random(5).NextBytes(bytes.AsSpan(8192));
        File.WriteAllBytes(lineage.Lite.DatabasePath, bytes);
        var store = lineage.Lite;
        foreach (var call in new Action[] { () => store.QueryRuns(new RunQuery()), () => store.GetRun("run-007"), () => store.Write(OneMore()) })
        {
            Assert.Contains("damaged or not a lineage database", Assert.Throws<LineageStoreException>(call).Message);
            Assert.Equal(bytes, File.ReadAllBytes(store.DatabasePath));
        }
        Assert.Contains("is not a page of this file", Assert.Throws<LineageStoreException>(store.Verify).Message);
        Assert.Equal(bytes, File.ReadAllBytes(store.DatabasePath));
    }

    [Fact]
    public void A_write_that_meets_damage_inside_its_transaction_fails_with_the_store_error_and_keeps_the_file()
    {
        var bytes = Filled();
        // The second half of the pages is noise: the schema (written first, at the front) still reads,
        // so LiteDB meets the damage in the middle of the write's transaction.
        var pages = bytes.Length / 8192;
        new Random(6).NextBytes(bytes.AsSpan(pages / 2 * 8192));
        File.WriteAllBytes(lineage.Lite.DatabasePath, bytes);
        var e = Assert.Throws<LineageStoreException>(() => lineage.Lite.Write(OneMore()));
        Assert.Contains("damaged or not a lineage database", e.Message);
        Assert.Equal(bytes, File.ReadAllBytes(lineage.Lite.DatabasePath));
        Assert.False(File.Exists(Storage.LiteFileCheck.LogPath(lineage.Lite.DatabasePath)));
        Assert.Throws<LineageStoreException>(lineage.Lite.Verify);
    }

    [Fact]
    public void Verify_passes_a_sound_database_and_a_missing_one()
    {
        lineage.Lite.Verify();
        Assert.False(File.Exists(lineage.Lite.DatabasePath));
        var bytes = Filled();
        lineage.Lite.Verify();
        Assert.Equal(bytes, File.ReadAllBytes(lineage.Lite.DatabasePath));
    }

    public void Dispose() => lineage.Dispose();
}
