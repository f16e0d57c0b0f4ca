using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;
using Npgsql;
using NpgsqlTypes;
using static IBot.Pipeline.Postgres.PgLineageRows;

namespace IBot.Pipeline.Postgres;

/// <summary>Applies one <see cref="LineageBatch"/> inside a transaction, in the order and with the rules of the
/// LiteDB store's writer: a spec and an artifact keep their first record, sweeps, datasets and evaluations are
/// replaced, a run is recorded once, status changes and metrics need their run, relations are a set.</summary>
internal sealed class PgBatchWriter(NpgsqlConnection c, NpgsqlTransaction t)
{
    private readonly HashSet<string> keys = new(StringComparer.Ordinal);

    public void Apply(LineageBatch batch)
    {
        foreach (var s in batch.Specs)
            Execute("INSERT INTO ibot_specs (id, hash, name, yaml, created) VALUES (@a, @b, @c, @d, @e) ON CONFLICT (id) DO NOTHING", s.Id, s.Hash, s.Name, s.Yaml, Ms(s.Created));
        foreach (var s in batch.Sweeps)
            Execute("INSERT INTO ibot_sweeps (id, name, spec_hash, created) VALUES (@a, @b, @c, @d) ON CONFLICT (id) DO UPDATE SET name = excluded.name, spec_hash = excluded.spec_hash, created = excluded.created",
                s.Id, s.Name, s.SpecHash, Ms(s.Created));
        foreach (var d in batch.Datasets)
            Execute("""
                INSERT INTO ibot_datasets (id, hash, role, kind, description, files, bytes) VALUES (@a, @b, @c, @d, @e, @f, @g)
                ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, role = excluded.role, kind = excluded.kind, description = excluded.description, files = excluded.files, bytes = excluded.bytes
                """, d.Id, d.Hash, d.Role, d.Kind, d.Description, d.Files, d.Bytes);
        foreach (var run in batch.Runs) AddRun(run);
        foreach (var change in batch.StatusChanges)
        {
            var updated = Execute("""
                UPDATE ibot_runs SET history = history || @a::jsonb, status = @b, reason = @c, updated = @d, device = coalesce(@e, device) WHERE id = @f
                """, "[" + HistoryEntryJson(change) + "]", change.Status.ToString().ToLowerInvariant(), change.Reason, Ms(change.At), change.Device, change.RunId);
            if (updated == 0) throw new ArgumentException($"run '{change.RunId}' is not recorded");
        }
        foreach (var a in batch.Artifacts)
            Execute("""
                INSERT INTO ibot_artifacts (id, sha256, kind, path, size, produced_by, epoch, created) VALUES (@a, @b, @c, @d, @e, @f, @g, @h) ON CONFLICT (id) DO NOTHING
                """, a.Id, a.Sha256, a.Kind, a.Path, a.Size, a.ProducedBy, a.Epoch, Ms(a.Created));
        foreach (var e in batch.Evaluations)
            Execute("""
                INSERT INTO ibot_evaluations (id, run, evaluator, epoch, artifact, metrics, at) VALUES (@a, @b, @c, @d, @e, @f::jsonb, @g)
                ON CONFLICT (id) DO UPDATE SET run = excluded.run, evaluator = excluded.evaluator, epoch = excluded.epoch, artifact = excluded.artifact, metrics = excluded.metrics, at = excluded.at
                """, e.Id, e.RunId, e.Evaluator, e.Epoch, e.Artifact, MetricsJson(e.Metrics), Ms(e.At));
        AddMetrics(batch.Metrics);
        foreach (var r in batch.Relations)
            Execute("INSERT INTO ibot_relations (from_id, kind, to_id) VALUES (@a, @b, @c) ON CONFLICT DO NOTHING", r.From, r.Kind, r.To);
        foreach (var key in keys) Execute("INSERT INTO ibot_keys (key) VALUES (@a) ON CONFLICT DO NOTHING", key);
    }

    private void AddRun(RunRecord run)
    {
        var created = Ms(run.Created);
        var last = run.History.Count > 0 ? run.History[^1] : null;
        using var insert = Command("""
            INSERT INTO ibot_runs (id, name, kind, spec_hash, status, reason, created, created_ms, updated, sweep, device, folder, reuse_key, environment, datasets, data_roles, history)
            VALUES (@a, @b, @c, @d, @e, @f, @g, @h, @i, @j, @k, @l, @m, @n::jsonb, @o, @p::jsonb, @q::jsonb)
            ON CONFLICT (id) DO NOTHING RETURNING ordinal
            """, run.Id, run.Name, run.Kind.ToString().ToLowerInvariant(), run.SpecHash, (last?.Status ?? run.Status).ToString().ToLowerInvariant(),
            last is null ? run.Reason : last.Reason, created, RunFields.UnixMilliseconds(created), Ms(last?.At ?? run.Updated), run.Sweep, run.Device, run.Folder,
            run.ReuseKey, EnvironmentJson(run.Environment), run.Datasets.ToArray(), RolesJson(run.DataRoles), HistoryJson(run.History));
        if (insert.ExecuteScalar() is not long ordinal) throw new ArgumentException($"run '{run.Id}' is already recorded");
        if (run.Params.Count > 0)
        {
            // Every param in one statement (arrays unnested), not one round trip each: a run has dozens.
            var values = run.Params.Select(p => (p.Key, Value: Param(p.Value))).ToList();
            Execute("""
                INSERT INTO ibot_run_params (run, key, kind, num, txt)
                SELECT @a, k, t, n, x FROM unnest(@b::text[], @c::smallint[], @d::double precision[], @e::text[]) AS p (k, t, n, x)
                """, ordinal, values.Select(v => v.Key).ToArray(), values.Select(v => v.Value.Kind).ToArray(),
                values.Select(v => v.Value.Number).ToArray(), values.Select(v => v.Value.Text).ToArray());
            foreach (var key in run.Params.Keys) keys.Add(RunFields.Params + key);
        }
        foreach (var (name, m) in run.Metrics) Summary(ordinal, name, m);
    }

    private void AddMetrics(IReadOnlyList<MetricPoint> metrics)
    {
        if (metrics.Count == 0) return;
        using (var insert = new NpgsqlBatch(c, t))
        {
            foreach (var m in metrics)
                insert.BatchCommands.Add(BatchCommand("INSERT INTO ibot_metrics (run, name, value, epoch, step, at, evaluation) VALUES (@a, @b, @c, @d, @e, @f, @g)",
                    m.RunId, m.Name, m.Value, m.Epoch, m.Step, Ms(m.At), m.Evaluation));
            insert.ExecuteNonQuery();
        }
        foreach (var group in metrics.GroupBy(m => m.RunId))
        {
            using var find = Command("SELECT ordinal FROM ibot_runs WHERE id = @a FOR UPDATE", group.Key);
            if (find.ExecuteScalar() is not long ordinal) throw new ArgumentException($"run '{group.Key}' is not recorded");
            foreach (var series in group.GroupBy(m => m.Name))
            {
                using var read = Command("SELECT last, min, max, count, last_epoch, last_step FROM ibot_run_metrics WHERE run = @a AND name = @b", ordinal, series.Key);
                MetricSummary? summary = null;
                using (var r = read.ExecuteReader())
                    if (r.Read()) summary = new MetricSummary(r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetInt32(3), r.GetInt32(4), r.GetInt64(5));
                foreach (var point in series) summary = summary is null ? MetricSummary.First(point) : summary.Add(point);
                Summary(ordinal, series.Key, summary!);
            }
        }
    }

    private void Summary(long ordinal, string name, MetricSummary m)
    {
        Execute("""
            INSERT INTO ibot_run_metrics (run, name, last, min, max, count, last_epoch, last_step) VALUES (@a, @b, @c, @d, @e, @f, @g, @h)
            ON CONFLICT (name, run) DO UPDATE SET last = excluded.last, min = excluded.min, max = excluded.max, count = excluded.count,
              last_epoch = excluded.last_epoch, last_step = excluded.last_step
            """, ordinal, name, m.Last, m.Min, m.Max, m.Count, m.LastEpoch, m.LastStep);
        keys.Add(RunFields.Metrics + name);
    }

    private int Execute(string sql, params object?[] values)
    {
        using var command = Command(sql, values);
        return command.ExecuteNonQuery();
    }

    private NpgsqlCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, c, t);
        for (var i = 0; i < values.Length; i++) command.Parameters.Add(Parameter(i, values[i]));
        return command;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        for (var i = 0; i < values.Length; i++) command.Parameters.Add(Parameter(i, values[i]));
        return command;
    }

    /// <summary>Parameters are named @a, @b, … in order; a null is typed by its column (text unless told).</summary>
    private static NpgsqlParameter Parameter(int index, object? value) =>
        value is null ? new NpgsqlParameter(((char)('a' + index)).ToString(), NpgsqlDbType.Unknown) { Value = DBNull.Value }
            : new NpgsqlParameter(((char)('a' + index)).ToString(), value);
}
