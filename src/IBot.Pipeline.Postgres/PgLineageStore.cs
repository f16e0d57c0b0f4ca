using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;
using IBot.Pipeline.Specs;
using Npgsql;
using static IBot.Pipeline.Postgres.PgLineageRows;

namespace IBot.Pipeline.Postgres;

/// <summary>
/// Lineage in PostgreSQL, for runs of several machines: one transaction per batch (<see cref="PgBatchWriter"/>),
/// queries compiled to SQL (<see cref="PgRunQuery"/>), and the same answers as the LiteDB store (one test
/// suite runs against both). Reads of a database without ibot's schema answer empty and create nothing.
/// </summary>
public sealed partial class PgLineageStore(PgDatabase database) : ILineageStore
{
    private static LineageStoreException Error(string message, Exception? inner) => new(message, inner);

    private T Read<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> work, Func<T> empty) => database.Run(false, work, empty, Error);

    public void Verify() => database.Verify(Error);

    /// <summary>The database's size on disk (all of ibot's tables and indexes, and anything else in it).</summary>
    public long DatabaseBytes() => Read((c, t) =>
    {
        using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", c, t);
        return (long)command.ExecuteScalar()!;
    }, () => 0L);

    public void Write(LineageBatch batch)
    {
        if (batch.IsEmpty) return;
        database.Run(true, (c, t) =>
        {
            new PgBatchWriter(c, t).Apply(batch);
            return 0;
        }, () => 0, Error);
    }

    public RunRecord? GetRun(string id) => Read((c, t) => PgLineageRows.Runs(c, t, Ordinals(c, t, "SELECT ordinal FROM ibot_runs WHERE id = @a", id)).FirstOrDefault(), () => null);

    public SpecRecord? GetSpec(string id) => One("SELECT id, hash, name, yaml, created FROM ibot_specs WHERE id = @a", r =>
        new SpecRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetDateTime(4)), id);

    public ArtifactRecord? GetArtifact(string id) => One($"SELECT {ArtifactColumns} FROM ibot_artifacts WHERE id = @a", Artifact, id);

    public EvaluationRecord? GetEvaluation(string id) => One("SELECT id, run, evaluator, epoch, artifact, metrics::text, at FROM ibot_evaluations WHERE id = @a", r =>
        new EvaluationRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), Text(r, 4),
            System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(5))!, r.GetDateTime(6)), id);

    public DatasetFingerprint? GetDataset(string id) => One("SELECT id, hash, role, kind, description, files, bytes FROM ibot_datasets WHERE id = @a", r =>
        new DatasetFingerprint(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            r.IsDBNull(5) ? null : r.GetInt64(5), r.IsDBNull(6) ? null : r.GetInt64(6)), id);

    public SweepRecord? GetSweep(string id) => One("SELECT id, name, spec_hash, created FROM ibot_sweeps WHERE id = @a", r =>
        new SweepRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetDateTime(3)), id);

    public ArtifactRecord? FindArtifactBySha256(string sha256) => One($"SELECT {ArtifactColumns} FROM ibot_artifacts WHERE sha256 = @a ORDER BY id LIMIT 1", Artifact, sha256);

    // Ordered by the relation's id (from|kind|to), as the LiteDB store returns them.
    public IReadOnlyList<Relation> RelationsFrom(string id) => Many("SELECT from_id, kind, to_id FROM ibot_relations WHERE from_id = @a ORDER BY from_id || '|' || kind || '|' || to_id COLLATE \"C\"",
        r => new Relation(r.GetString(0), r.GetString(1), r.GetString(2)), id);

    public IReadOnlyList<Relation> RelationsTo(string id) => Many("SELECT from_id, kind, to_id FROM ibot_relations WHERE to_id = @a ORDER BY from_id || '|' || kind || '|' || to_id COLLATE \"C\"",
        r => new Relation(r.GetString(0), r.GetString(1), r.GetString(2)), id);

    public IReadOnlyList<MetricPoint> MetricsOf(string runId) => Many("SELECT run, name, value, epoch, step, at, evaluation FROM ibot_metrics WHERE run = @a ORDER BY step, at, seq",
        r => new MetricPoint(r.GetString(0), r.GetString(1), r.GetDouble(2), r.GetInt32(3), r.GetInt64(4), r.GetDateTime(5), Text(r, 6)), runId);

    public RunRecord? FindReusable(string reuseKey) => Read((c, t) => PgLineageRows.Runs(c, t, Ordinals(c, t,
        "SELECT ordinal FROM ibot_runs WHERE reuse_key = @a AND status = 'completed' ORDER BY updated DESC, ordinal LIMIT 1", reuseKey)).FirstOrDefault(), () => null);

    public IReadOnlyList<string> Keys() => Many("SELECT key FROM ibot_keys ORDER BY key", r => r.GetString(0));

    private const string ArtifactColumns = "id, sha256, kind, path, size, produced_by, epoch, created";

    private static ArtifactRecord Artifact(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
        Text(r, 5), r.IsDBNull(6) ? null : r.GetInt32(6), r.GetDateTime(7));

    private T? One<T>(string sql, Func<NpgsqlDataReader, T> map, string key) where T : class => Many(sql, map, key).FirstOrDefault();

    private IReadOnlyList<T> Many<T>(string sql, Func<NpgsqlDataReader, T> map, string? key = null) => Read<IReadOnlyList<T>>((c, t) =>
    {
        using var command = new NpgsqlCommand(sql, c, t);
        if (key is not null) command.Parameters.AddWithValue("a", key);
        using var r = command.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(map(r));
        return list;
    }, () => []);

    private static List<long> Ordinals(NpgsqlConnection c, NpgsqlTransaction t, string sql, string key)
    {
        using var command = new NpgsqlCommand(sql, c, t);
        command.Parameters.AddWithValue("a", key);
        using var r = command.ExecuteReader();
        var list = new List<long>();
        while (r.Read()) list.Add(r.GetInt64(0));
        return list;
    }
}
