using IBot.Pipeline.Lineage.Lite;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;
using IBot.Pipeline.Specs;
using Npgsql;

namespace IBot.Pipeline.Postgres;

/// <summary>Queries, id resolution and the export: what <c>ibot runs</c>, <c>ibot lineage</c> and
/// <c>ibot lineage --export</c> ask, answered by SQL.</summary>
public sealed partial class PgLineageStore
{
    public RunQueryResult QueryRuns(RunQuery query)
    {
        var plan = RunQueryPlan.Create(query);
        return Read((c, t) =>
        {
            CheckKeys(c, t, plan, query);
            var sql = new PgRunQuery(plan);
            int Count()
            {
                using var count = new NpgsqlCommand($"SELECT count(*) FROM {sql.From} WHERE {sql.Where}", c, t);
                foreach (var p in sql.Parameters) count.Parameters.Add(p.Clone());
                return (int)(long)count.ExecuteScalar()!;
            }
            if (query.Limit == 0) return new RunQueryResult(Count(), []);
            // One pass: the page and, beside each row, how many matched in all (the window counts
            // before OFFSET applies).
            using var page = new NpgsqlCommand($"SELECT r.ordinal, count(*) OVER () FROM {sql.From} WHERE {sql.Where} ORDER BY {sql.OrderBy} LIMIT {query.Limit} OFFSET {query.Offset}", c, t);
            foreach (var p in sql.Parameters) page.Parameters.Add(p.Clone());
            var ordinals = new List<long>();
            var matched = 0;
            using (var r = page.ExecuteReader())
                while (r.Read())
                {
                    ordinals.Add(r.GetInt64(0));
                    matched = (int)r.GetInt64(1);
                }
            // A page past the last match has no row to carry the count.
            if (ordinals.Count == 0 && query.Offset > 0) matched = Count();
            return new RunQueryResult(matched, PgLineageRows.Runs(c, t, ordinals));
        }, () => new RunQueryResult(0, []));
    }

    /// <summary>A <c>params.</c> or <c>metrics.</c> key that no run has is an error with "did you mean", once some run exists.</summary>
    private static void CheckKeys(NpgsqlConnection c, NpgsqlTransaction t, RunQueryPlan plan, RunQuery query)
    {
        var missing = plan.Columns.Values.Where(v => !RunFields.Own.Contains(v.BaseKey)).ToList();
        if (missing.Count == 0) return;
        using var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM ibot_runs)", c, t);
        if (any.ExecuteScalar() is not true) return;
        using var command = new NpgsqlCommand("SELECT key FROM ibot_keys WHERE key = ANY(@a)", c, t);
        command.Parameters.AddWithValue("a", missing.Select(m => m.BaseKey).Distinct().ToArray());
        var found = new HashSet<string>(StringComparer.Ordinal);
        using (var r = command.ExecuteReader())
            while (r.Read()) found.Add(r.GetString(0));
        foreach (var (field, baseKey, option) in plan.Columns.Values)
        {
            if (RunFields.Own.Contains(baseKey) || found.Contains(baseKey)) continue;
            var prefix = baseKey.StartsWith(RunFields.Params, StringComparison.Ordinal) ? RunFields.Params : RunFields.Metrics;
            using var known = new NpgsqlCommand("SELECT key FROM ibot_keys WHERE starts_with(key, @a) ORDER BY key", c, t);
            known.Parameters.AddWithValue("a", prefix);
            var keys = new List<string>();
            using (var r = known.ExecuteReader())
                while (r.Read()) keys.Add(r.GetString(0));
            throw new QueryException(option == "--where" ? query.Where! : query.Sort!, field.Column, $"no run has '{baseKey}'{Suggestions.Hint(baseKey, keys)}", option);
        }
    }

    private static readonly string[] Tables = ["ibot_runs", "ibot_specs", "ibot_artifacts", "ibot_evaluations", "ibot_datasets", "ibot_sweeps"];

    public string? Resolve(string idOrPrefix)
    {
        if (string.IsNullOrWhiteSpace(idOrPrefix)) return null;
        return Read((c, t) =>
        {
            foreach (var table in Tables)
            {
                using var exact = new NpgsqlCommand($"SELECT 1 FROM {table} WHERE id = @a", c, t);
                exact.Parameters.AddWithValue("a", idOrPrefix);
                if (exact.ExecuteScalar() is not null) return idOrPrefix;
            }
            var candidates = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var table in Tables)
                foreach (var prefix in new[] { "", "spec:", "artifact:", "data:", "sweep:", "eval:" })
                {
                    // A range on the C-collated key: an index scan, and no pattern characters to escape.
                    using var command = new NpgsqlCommand($"SELECT id FROM {table} WHERE id >= @a AND starts_with(id, @a) ORDER BY id LIMIT 20", c, t);
                    command.Parameters.AddWithValue("a", prefix + idOrPrefix);
                    using var r = command.ExecuteReader();
                    while (r.Read()) candidates.Add(r.GetString(0));
                }
            return candidates.Count switch
            {
                0 => null,
                1 => candidates.Min,
                _ => throw new ArgumentException($"'{idOrPrefix}' is ambiguous: it matches {string.Join(", ", candidates.Take(5))}{(candidates.Count > 5 ? ", …" : "")}"),
            };
        }, () => null);
    }

    /// <summary>Every record as JSON lines in the LiteDB store's document shapes (the query tables are an index, left out).</summary>
    public long Export(TextWriter writer) => Read((c, t) =>
    {
        long lines = 0;
        void Line(string collection, LiteDB.BsonDocument doc)
        {
            writer.Write("{\"collection\":\"");
            writer.Write(collection);
            writer.Write("\",\"document\":");
            writer.Write(LiteDB.JsonSerializer.Serialize(doc));
            writer.WriteLine("}");
            lines++;
        }
        using (var schema = new NpgsqlCommand("SELECT version, applied_at FROM ibot_schema_version ORDER BY version DESC LIMIT 1", c, t))
        using (var r = schema.ExecuteReader())
            if (r.Read()) Line("meta", new LiteDB.BsonDocument { ["_id"] = "schema", ["version"] = r.GetInt32(0), ["created"] = LiteDocuments.Time(r.GetDateTime(1)), ["store"] = "postgres" });
        foreach (var id in Strings(c, t, "SELECT id FROM ibot_specs ORDER BY id")) Line("specs", LiteDocuments.Spec(GetSpec(id)!));
        foreach (var id in Strings(c, t, "SELECT id FROM ibot_sweeps ORDER BY id")) Line("sweeps", LiteDocuments.Sweep(GetSweep(id)!));
        foreach (var id in Strings(c, t, "SELECT id FROM ibot_datasets ORDER BY id")) Line("datasets", LiteDocuments.Dataset(GetDataset(id)!));
        var ordinals = Strings(c, t, "SELECT ordinal::text FROM ibot_runs ORDER BY ordinal").Select(long.Parse).ToList();
        for (var i = 0; i < ordinals.Count; i += 1000)
            foreach (var run in PgLineageRows.Runs(c, t, ordinals.Skip(i).Take(1000).ToList()))
                Line("runs", LiteDocuments.Run(run, (int)ordinals[i]));
        foreach (var id in Strings(c, t, "SELECT id FROM ibot_artifacts ORDER BY id")) Line("artifacts", LiteDocuments.Artifact(GetArtifact(id)!));
        foreach (var id in Strings(c, t, "SELECT id FROM ibot_evaluations ORDER BY id")) Line("evaluations", LiteDocuments.Evaluation(GetEvaluation(id)!));
        foreach (var run in Strings(c, t, "SELECT DISTINCT run FROM ibot_metrics ORDER BY run"))
            foreach (var m in MetricsOf(run)) Line("metrics", LiteDocuments.Metric(m));
        foreach (var id in Strings(c, t, "SELECT DISTINCT from_id FROM ibot_relations ORDER BY from_id"))
            foreach (var r in RelationsFrom(id)) Line("relations", LiteDocuments.Relation(r));
        return lines;
    }, () => 0L);

    private static List<string> Strings(NpgsqlConnection c, NpgsqlTransaction t, string sql)
    {
        using var command = new NpgsqlCommand(sql, c, t);
        using var r = command.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }
}
