using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Lite;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;
using LiteDB;

namespace IBot.Pipeline.Tests.Lineage;

public sealed class LiteStoreTests : IDisposable
{
    private readonly LineageFixture lineage = new();
    private LiteLineageStore Store => lineage.Lite;

    [Fact]
    public void A_run_round_trips_with_history_params_environment_and_metric_summaries()
    {
        var run = LineageFixture.Run("r1", status: RunState.Running, parameters: [("train.optimizer.lr", 5e-4), ("backbone.kind", "vit")]);
        run = new RunRecord
        {
            Id = run.Id, Name = run.Name, SpecHash = run.SpecHash, Created = run.Created, Updated = run.Updated, Status = run.Status, History = run.History,
            Params = run.Params, Device = "cpu", Folder = "/w/r1", Datasets = ["data:1"], ReuseKey = "k1",
            Environment = new EnvironmentInfo("box", "Linux", ".NET 10", "0.107.0", "2.10.0", "0.1.0", "abc123"),
        };
        var batch = new LineageBatch();
        batch.Runs.Add(run);
        Store.Write(batch);
        var later = new LineageBatch();
        later.Metrics.AddRange([LineageFixture.Metric("r1", "knn_top1", 50, 1), LineageFixture.Metric("r1", "knn_top1", 55, 2), LineageFixture.Metric("r1", "knn_top1", 53, 3)]);
        later.StatusChanges.Add(new StatusChange("r1", RunState.Completed, LineageFixture.T0.AddHours(1)));
        Store.Write(later);

        var back = Store.GetRun("r1")!;
        Assert.Equal(RunState.Completed, back.Status);
        Assert.Equal([RunState.Running, RunState.Completed], back.History.Select(h => h.Status));
        Assert.Equal(LineageFixture.T0.AddHours(1), back.History[1].At);
        Assert.Equal(DateTimeKind.Utc, back.Created.Kind);
        Assert.Equal(LineageValue.Of(5e-4), back.Params["train.optimizer.lr"]);
        Assert.Equal(LineageValue.Of("vit"), back.Params["backbone.kind"]);
        Assert.Equal(run.Environment, back.Environment);
        Assert.Equal(new MetricSummary(53, 50, 55, 3, 3, 30), back.Metrics["knn_top1"]);
        Assert.Equal([50.0, 55, 53], Store.MetricsOf("r1").Select(m => m.Value));
        Assert.Equal("r1", Store.FindReusable("k1")!.Id);
        Assert.Null(Store.FindReusable("k2"));
        Assert.Equal(new[] { "metrics.knn_top1", "params.backbone.kind", "params.train.optimizer.lr" }, Store.Keys().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_batch_is_all_or_nothing()
    {
        var first = new LineageBatch();
        first.Runs.Add(LineageFixture.Run("r1"));
        Store.Write(first);
        var bad = new LineageBatch();
        bad.Runs.Add(LineageFixture.Run("r2"));
        bad.StatusChanges.Add(new StatusChange("nope", RunState.Failed, LineageFixture.T0));
        Assert.Throws<ArgumentException>(() => Store.Write(bad));
        Assert.Null(Store.GetRun("r2"));
        Assert.Equal(1, Store.QueryRuns(new RunQuery()).Matched);
        var again = new LineageBatch();
        again.Runs.Add(LineageFixture.Run("r1"));
        Assert.Contains("already recorded", Assert.Throws<ArgumentException>(() => Store.Write(again)).Message);
    }

    [Fact]
    public void Reading_a_missing_database_creates_nothing()
    {
        Assert.Empty(Store.QueryRuns(new RunQuery("name = 'x'")).Runs);
        Assert.Null(Store.GetRun("x"));
        Assert.False(File.Exists(Store.DatabasePath));
    }

    [Fact]
    public void A_database_from_a_newer_ibot_is_refused_and_left_alone()
    {
        var batch = new LineageBatch();
        batch.Runs.Add(LineageFixture.Run("r1"));
        Store.Write(batch);
        using (var db = new LiteDatabase(Store.DatabasePath))
        {
            var meta = db.GetCollection("meta").FindById("schema");
            meta["version"] = LiteLineageStore.SchemaVersion + 1;
            db.GetCollection("meta").Update(meta);
        }
        var before = File.ReadAllBytes(Store.DatabasePath);
        var e = Assert.Throws<LineageStoreException>(() => Store.GetRun("r1"));
        Assert.Contains($"schema version {LiteLineageStore.SchemaVersion + 1}, written by a newer ibot", e.Message);
        Assert.Throws<LineageStoreException>(() => Store.Write(batch));
        Assert.Equal(before, File.ReadAllBytes(Store.DatabasePath));
    }

    [Fact]
    public void A_damaged_database_gives_a_clear_error_and_is_not_overwritten()
    {
        var garbage = new byte[64 * 1024];
        new Random(3).NextBytes(garbage);
        File.WriteAllBytes(Store.DatabasePath, garbage);
        var e = Assert.Throws<LineageStoreException>(() => Store.QueryRuns(new RunQuery()));
        Assert.Contains("damaged or not a lineage database", e.Message);
        var batch = new LineageBatch();
        batch.Runs.Add(LineageFixture.Run("r1"));
        Assert.Throws<LineageStoreException>(() => Store.Write(batch));
        Assert.Equal(garbage, File.ReadAllBytes(Store.DatabasePath));
    }

    [Fact]
    public void A_liteDB_file_that_is_not_lineage_is_refused()
    {
        using (var db = new LiteDatabase(Store.DatabasePath)) db.GetCollection("customers").Insert(new BsonDocument { ["name"] = "x" });
        Assert.Contains("no schema record", Assert.Throws<LineageStoreException>(() => Store.GetRun("r1")).Message);
    }

    [Fact]
    public void Export_writes_every_record_as_a_json_line()
    {
        var batch = new LineageBatch();
        batch.Specs.Add(new SpecRecord(SpecRecord.IdOf("aaaa"), "aaaa", "exp", "name: exp\n", LineageFixture.T0));
        batch.Runs.Add(LineageFixture.Run("r1", parameters: [("a", 1.0)]));
        batch.Metrics.Add(LineageFixture.Metric("r1", "loss", 1));
        batch.Relations.Add(new Relation(SpecRecord.IdOf("aaaa"), RelationKinds.Configures, "r1"));
        Store.Write(batch);
        var text = new StringWriter();
        var lines = Store.Export(text);
        var parsed = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l)).ToList();
        Assert.Equal(lines, parsed.Count);
        Assert.Equal(["meta", "meta", "specs", "runs", "metrics", "relations"], parsed.Select(p => p.RootElement.GetProperty("collection").GetString()));
        Assert.Equal("r1", parsed[3].RootElement.GetProperty("document").GetProperty("_id").GetString());
    }

    [Fact]
    public void Resolve_finds_exact_ids_and_unique_hash_prefixes()
    {
        var batch = new LineageBatch();
        batch.Specs.Add(new SpecRecord(SpecRecord.IdOf("abcdef01"), "abcdef01", "exp", "", LineageFixture.T0));
        batch.Artifacts.Add(new ArtifactRecord(ArtifactRecord.IdOf(new string('a', 64)), new string('a', 64), "checkpoint", "/c", 1, null, 1, LineageFixture.T0));
        batch.Artifacts.Add(new ArtifactRecord(ArtifactRecord.IdOf("ab" + new string('0', 62)), "ab" + new string('0', 62), "checkpoint", "/d", 1, null, 1, LineageFixture.T0));
        batch.Runs.Add(LineageFixture.Run("quickstart-1"));
        Store.Write(batch);
        Assert.Equal("quickstart-1", Store.Resolve("quickstart-1"));
        Assert.Equal("quickstart-1", Store.Resolve("quick"));
        Assert.Equal("spec:abcdef01", Store.Resolve("abcd"));
        Assert.Equal("artifact:aaaaaaaaaaaaaaaa", Store.Resolve("aaa"));
        Assert.Contains("ambiguous", Assert.Throws<ArgumentException>(() => Store.Resolve("a")).Message);
        Assert.Null(Store.Resolve("zzz"));
    }

    public void Dispose() => lineage.Dispose();
}
