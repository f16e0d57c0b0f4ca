using IBot.Pipeline.Scheduling;
using Npgsql;
using NpgsqlTypes;

namespace IBot.Pipeline.Postgres;

/// <summary>Queue rows to and from <see cref="QueuedRun"/>: the column list every query selects, and the
/// write-back of a run a transition changed.</summary>
internal static class PgQueueRows
{
    public const string Columns = "id, name, sweep_id, spec_hash, priority, sequence, state, attempts, cancel_requested, device, slot, node, pid, "
        + "process_start, enqueued_at, started_at, ended_at, heartbeat_at, reason, history";

    public static QueuedRun Read(NpgsqlDataReader r)
    {
        var run = new QueuedRun
        {
            Id = r.GetString(0), Name = r.GetString(1), SweepId = Text(r, 2), SpecHash = r.GetString(3), Priority = r.GetInt32(4),
            Sequence = r.GetInt64(5), State = Enum.Parse<RunState>(r.GetString(6), ignoreCase: true), Attempts = r.GetInt32(7),
            CancelRequested = r.GetBoolean(8), Device = Text(r, 9), Slot = r.IsDBNull(10) ? null : r.GetInt32(10), Node = Text(r, 11),
            Pid = r.IsDBNull(12) ? null : r.GetInt32(12), ProcessStart = r.IsDBNull(13) ? null : r.GetInt64(13),
            EnqueuedAt = r.GetDateTime(14), StartedAt = Time(r, 15), EndedAt = Time(r, 16), HeartbeatAt = Time(r, 17), Reason = Text(r, 18),
            History = [.. r.GetFieldValue<string[]>(19)],
        };
        if (run.State == RunState.Queued) run.ClaimKey = QueuedRun.ClaimKeyOf(run.Priority, run.Sequence);
        return run;
    }

    public static List<QueuedRun> ReadAll(NpgsqlCommand command)
    {
        using var reader = command.ExecuteReader();
        var runs = new List<QueuedRun>();
        while (reader.Read()) runs.Add(Read(reader));
        return runs;
    }

    /// <summary>Writes back what a transition may change (everything but identity and order).</summary>
    public static void Update(NpgsqlConnection c, NpgsqlTransaction t, QueuedRun run)
    {
        using var command = new NpgsqlCommand("""
            UPDATE ibot_queue SET state = @state, priority = @priority, attempts = @attempts, cancel_requested = @cancel, device = @device, slot = @slot, node = @node,
              pid = @pid, process_start = @start, started_at = @started, ended_at = @ended, reason = @reason, history = @history
            WHERE id = @id
            """, c, t);
        var p = command.Parameters;
        p.AddWithValue("id", run.Id);
        p.AddWithValue("state", run.State.ToString().ToLowerInvariant());
        p.AddWithValue("priority", run.Priority);
        p.AddWithValue("attempts", run.Attempts);
        p.AddWithValue("cancel", run.CancelRequested);
        p.Add(Nullable("device", NpgsqlDbType.Text, run.Device));
        p.Add(Nullable("slot", NpgsqlDbType.Integer, run.Slot));
        p.Add(Nullable("node", NpgsqlDbType.Text, run.Node));
        p.Add(Nullable("pid", NpgsqlDbType.Integer, run.Pid));
        p.Add(Nullable("start", NpgsqlDbType.Bigint, run.ProcessStart));
        p.Add(Nullable("started", NpgsqlDbType.TimestampTz, run.StartedAt));
        p.Add(Nullable("ended", NpgsqlDbType.TimestampTz, run.EndedAt));
        p.Add(Nullable("reason", NpgsqlDbType.Text, run.Reason));
        p.AddWithValue("history", run.History.ToArray());
        command.ExecuteNonQuery();
    }

    public static NpgsqlParameter Nullable(string name, NpgsqlDbType type, object? value) =>
        new(name, type) { Value = value ?? DBNull.Value };

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTime? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDateTime(i);
}
