using IBot.Pipeline.Lineage.Model;
using LiteDB;
using static IBot.Pipeline.Lineage.Lite.LiteDocuments;

namespace IBot.Pipeline.Lineage.Lite;

/// <summary>Applies one <see cref="LineageBatch"/> inside an open transaction: records, the runs'
/// status and metric summaries, and the query columns those change.</summary>
internal sealed class BatchWriter(LiteDatabase db)
{
    private readonly ILiteCollection<BsonDocument> runs = db.GetCollection("runs");
    private readonly ColumnStore columns = new(db);
    private readonly Dictionary<string, BsonDocument> touched = new(StringComparer.Ordinal);
    private readonly List<BsonDocument> created = [];

    public void Apply(LineageBatch batch)
    {
        var specs = db.GetCollection("specs");
        foreach (var spec in batch.Specs)
            if (specs.FindById(spec.Id) is null) specs.Insert(Spec(spec));
        foreach (var sweep in batch.Sweeps) db.GetCollection("sweeps").Upsert(Sweep(sweep));
        foreach (var dataset in batch.Datasets) db.GetCollection("datasets").Upsert(Dataset(dataset));

        var meta = db.GetCollection("meta");
        var counters = meta.FindById("counters");
        var next = counters["runs"].AsInt32;
        foreach (var run in batch.Runs)
        {
            if (touched.ContainsKey(run.Id) || runs.FindById(run.Id) is not null)
                throw new ArgumentException($"run '{run.Id}' is already recorded");
            var doc = Run(run, next);
            touched[run.Id] = doc;
            created.Add(doc);
            SetRunColumns(doc, run.Params.Select(p => (RunFieldsParams + p.Key, p.Value)));
            foreach (var name in run.Metrics.Keys) SetMetricColumns(doc, name);
            next++;
        }
        counters["runs"] = next;
        meta.Update(counters);

        foreach (var change in batch.StatusChanges)
        {
            var doc = Touch(change.RunId);
            AddStatus(doc, change);
            columns.Set("status", doc["ordinal"].AsInt32, LineageValue.Of(doc["status"].AsString));
            if (change.Device is { } device)
            {
                doc["device"] = device;
                columns.Set("device", doc["ordinal"].AsInt32, LineageValue.Of(device));
            }
        }

        var artifacts = db.GetCollection("artifacts");
        // The first record of some bytes keeps its producer: a later import of the same file is not its origin.
        foreach (var artifact in batch.Artifacts)
            if (artifacts.FindById(artifact.Id) is null) artifacts.Insert(Artifact(artifact));
        foreach (var evaluation in batch.Evaluations) db.GetCollection("evaluations").Upsert(Evaluation(evaluation));

        if (batch.Metrics.Count > 0) db.GetCollection("metrics").InsertBulk(batch.Metrics.Select(Metric));
        foreach (var group in batch.Metrics.GroupBy(m => m.RunId))
        {
            var doc = Touch(group.Key);
            var summaries = doc["metrics"].AsDocument;
            foreach (var point in group)
                summaries[point.Name] = Summary(summaries.TryGetValue(point.Name, out var s) ? Summary(s.AsDocument).Add(point) : MetricSummary.First(point));
            foreach (var name in group.Select(p => p.Name).Distinct()) SetMetricColumns(doc, name);
        }

        foreach (var relation in batch.Relations) db.GetCollection("relations").Upsert(Relation(relation));

        foreach (var doc in created) runs.Insert(doc);
        foreach (var doc in touched.Values.Except(created)) runs.Update(doc);
        columns.Flush();
    }

    private const string RunFieldsParams = "params.";

    private BsonDocument Touch(string runId)
    {
        if (touched.TryGetValue(runId, out var doc)) return doc;
        doc = runs.FindById(runId) ?? throw new ArgumentException($"run '{runId}' is not recorded");
        return touched[runId] = doc;
    }

    private void SetRunColumns(BsonDocument doc, IEnumerable<(string Key, LineageValue Value)> parameters)
    {
        var ordinal = doc["ordinal"].AsInt32;
        foreach (var field in new[] { "name", "kind", "spec", "status", "sweep", "device" })
            columns.Set(field, ordinal, Value(doc[field]));
        columns.Set("id", ordinal, LineageValue.Of(doc["_id"].AsString));
        columns.Set("created", ordinal, LineageValue.Of(Query.RunFields.UnixMilliseconds(Time(doc["created"]))));
        foreach (var (key, value) in parameters) columns.Set(key, ordinal, value);
    }

    private void SetMetricColumns(BsonDocument doc, string name)
    {
        var ordinal = doc["ordinal"].AsInt32;
        var summary = Summary(doc["metrics"][name].AsDocument);
        columns.Set("metrics." + name, ordinal, LineageValue.Of(summary.Last));
        columns.Set("metrics." + name + ".min", ordinal, LineageValue.Of(summary.Min));
        columns.Set("metrics." + name + ".max", ordinal, LineageValue.Of(summary.Max));
    }
}
