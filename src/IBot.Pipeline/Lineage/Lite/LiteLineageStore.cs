using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;
using IBot.Pipeline.Specs;
using LiteDB;
using static IBot.Pipeline.Lineage.Lite.LiteDocuments;

namespace IBot.Pipeline.Lineage.Lite;

/// <summary>
/// The lineage store in one LiteDB file (<c>&lt;workspace&gt;/lineage.db</c>). Every call is one
/// unit of work: take the cross-process <see cref="Storage.StoreLock"/>, open the file, check the schema,
/// do the work in a transaction, close. Nothing stays open between calls, so any number of
/// processes (runs, the CLI's queries, the service) share the file safely; the price is an open
/// per call (about a millisecond; see <c>ibot bench lineage</c>).
/// </summary>
public sealed partial class LiteLineageStore(string path, TimeSpan? lockTimeout = null) : ILineageStore
{
    /// <summary>The layout this code reads and writes; a database with a higher one was written by a
    /// newer ibot and is refused rather than misread.</summary>
    public const int SchemaVersion = 1;

    private readonly string path = System.IO.Path.GetFullPath(path);
    private readonly TimeSpan lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(60);

    public string DatabasePath => path;

    public void Write(LineageBatch batch)
    {
        if (batch.IsEmpty) return;
        Use(write: true, db =>
        {
            new BatchWriter(db).Apply(batch);
            return 0;
        }, () => 0);
    }

    public RunRecord? GetRun(string id) => Use(false, db => db.GetCollection("runs").FindById(id) is { } d ? Run(d) : null, () => null);

    public SpecRecord? GetSpec(string id) => Use(false, db => db.GetCollection("specs").FindById(id) is { } d ? Spec(d) : null, () => null);

    public ArtifactRecord? GetArtifact(string id) => Use(false, db => db.GetCollection("artifacts").FindById(id) is { } d ? Artifact(d) : null, () => null);

    public EvaluationRecord? GetEvaluation(string id) => Use(false, db => db.GetCollection("evaluations").FindById(id) is { } d ? Evaluation(d) : null, () => null);

    public DatasetFingerprint? GetDataset(string id) => Use(false, db => db.GetCollection("datasets").FindById(id) is { } d ? Dataset(d) : null, () => null);

    public SweepRecord? GetSweep(string id) => Use(false, db => db.GetCollection("sweeps").FindById(id) is { } d ? Sweep(d) : null, () => null);

    public ArtifactRecord? FindArtifactBySha256(string sha256) =>
        Use(false, db => db.GetCollection("artifacts").FindOne(LiteDB.Query.EQ("sha256", sha256)) is { } d ? Artifact(d) : null, () => null);

    // Sorted here: an index lookup returns equal keys in no defined order, and lineage trees and
    // metric series must read the same every time.
    public IReadOnlyList<Relation> RelationsFrom(string id) =>
        Use<IReadOnlyList<Relation>>(false, db => db.GetCollection("relations").Find(LiteDB.Query.EQ("from", id)).Select(Relation).Where(r => r.From == id).OrderBy(r => r.Id, StringComparer.Ordinal).ToList(), () => []);

    public IReadOnlyList<Relation> RelationsTo(string id) =>
        Use<IReadOnlyList<Relation>>(false, db => db.GetCollection("relations").Find(LiteDB.Query.EQ("to", id)).Select(Relation).Where(r => r.To == id).OrderBy(r => r.Id, StringComparer.Ordinal).ToList(), () => []);

    public IReadOnlyList<MetricPoint> MetricsOf(string runId) =>
        Use<IReadOnlyList<MetricPoint>>(false, db => db.GetCollection("metrics").Find(LiteDB.Query.EQ("run", runId)).Select(Metric)
            .Where(m => m.RunId == runId).OrderBy(m => m.Step).ThenBy(m => m.At).ToList(), () => []);

    public RunRecord? FindReusable(string reuseKey) => Use(false, db => db.GetCollection("runs")
        .Find(LiteDB.Query.EQ("reuse_key", reuseKey)).Select(Run)
        .Where(r => r.ReuseKey == reuseKey && r.Status == RunState.Completed)
        .MaxBy(r => r.Updated), () => null);

    public IReadOnlyList<string> Keys() => Use<IReadOnlyList<string>>(false, db => new ColumnStore(db).Keys()
        .Where(k => k.StartsWith(RunFields.Params, StringComparison.Ordinal) || k.StartsWith(RunFields.Metrics, StringComparison.Ordinal))
        .Where(k => !k.EndsWith(".min", StringComparison.Ordinal) && !k.EndsWith(".max", StringComparison.Ordinal)).ToList(), () => []);

    public RunQueryResult QueryRuns(RunQuery query)
    {
        var plan = RunQueryPlan.Create(query);
        return Use(false, db =>
        {
            var count = RunCount(db);
            var columns = new ColumnStore(db);
            if (count > 0)
                foreach (var (_, (field, baseKey, option)) in plan.Columns)
                    if (!RunFields.Own.Contains(baseKey) && !columns.HasKey(baseKey))
                    {
                        var text = option == "--where" ? query.Where! : query.Sort!;
                        throw new QueryException(text, field.Column, $"no run has '{baseKey}'{Suggestions.Hint(baseKey, KnownBaseKeys(columns, baseKey))}", option);
                    }
            var loaded = new Dictionary<string, LineageValue[]>(StringComparer.Ordinal);
            var (matched, ordinals) = plan.Execute(count, key => loaded.TryGetValue(key, out var c) ? c : loaded[key] = columns.Read(key, count));
            var runs = db.GetCollection("runs");
            return new RunQueryResult(matched, ordinals.Select(o => Run(runs.FindOne(LiteDB.Query.EQ("ordinal", o)))).ToList());
        }, () => new RunQueryResult(0, []));
    }

    private static IEnumerable<string> KnownBaseKeys(ColumnStore columns, string like)
    {
        var prefix = like.StartsWith(RunFields.Params, StringComparison.Ordinal) ? RunFields.Params : RunFields.Metrics;
        return columns.Keys().Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !k.EndsWith(".min", StringComparison.Ordinal) && !k.EndsWith(".max", StringComparison.Ordinal));
    }

    internal static int RunCount(LiteDatabase db) => db.GetCollection("meta").FindById("counters")?["runs"].AsInt32 ?? 0;

    public string? Resolve(string idOrPrefix)
    {
        if (string.IsNullOrWhiteSpace(idOrPrefix)) return null;
        return Use(false, db =>
        {
            var collections = new[] { "runs", "specs", "artifacts", "evaluations", "datasets", "sweeps" };
            foreach (var name in collections)
                if (db.GetCollection(name).FindById(idOrPrefix) is not null) return idOrPrefix;
            var candidates = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var name in collections)
                foreach (var prefix in new[] { "", "spec:", "artifact:", "data:", "sweep:", "eval:" })
                    foreach (var doc in db.GetCollection(name).Find(LiteDB.Query.StartsWith("_id", prefix + idOrPrefix), limit: 20))
                        if (doc["_id"].AsString.StartsWith(prefix + idOrPrefix, StringComparison.Ordinal)) candidates.Add(doc["_id"].AsString);
            return candidates.Count switch
            {
                0 => null,
                1 => candidates.Min,
                _ => throw new ArgumentException($"'{idOrPrefix}' is ambiguous: it matches {string.Join(", ", candidates.Take(5))}{(candidates.Count > 5 ? ", …" : "")}"),
            };
        }, () => null);
    }

    public long Export(TextWriter writer) => Use(false, db =>
    {
        long lines = 0;
        // The columns are left out: they are an index, rebuilt from the runs and metrics.
        foreach (var name in new[] { "meta", "specs", "sweeps", "datasets", "runs", "artifacts", "evaluations", "metrics", "relations" })
            foreach (var doc in db.GetCollection(name).FindAll())
            {
                writer.Write("{\"collection\":\"");
                writer.Write(name);
                writer.Write("\",\"document\":");
                writer.Write(LiteDB.JsonSerializer.Serialize(doc));
                writer.WriteLine("}");
                lines++;
            }
        return lines;
    }, () => 0L);
}
