using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Storage;
using Npgsql;

namespace IBot.Pipeline.Postgres;

/// <summary>
/// The queue as the <c>ibot_queue</c> table, shared by every node. A claim is one statement,
/// <c>UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …</c>: two nodes claiming at once
/// get different runs and neither waits for the other. Every other transition reads the run
/// <c>FOR UPDATE</c>, applies <see cref="QueueTransitions"/> (the same rules as the LiteDB queue) and
/// writes it back, one transaction each. Heartbeats are the database's clock (<c>now()</c>).
/// </summary>
public sealed class PgRunQueue(PgDatabase database, TimeProvider? clock = null) : IRunQueue, IClusterQueue
{
    private readonly TimeProvider time = clock ?? TimeProvider.System;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static QueueStoreException Error(string message, Exception? inner) => new(message, inner);

    private T Write<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> work) => database.Run(true, work, () => default!, Error);

    private T Read<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> work, Func<T> empty) => database.Run(false, work, empty, Error);

    public void Verify() => database.Verify(Error);

    public void Enqueue(IReadOnlyList<QueuedRun> runs) => Write((c, t) =>
    {
        using var insert = new NpgsqlCommand("""
            INSERT INTO ibot_queue (id, name, sweep_id, spec_hash, priority, state, attempts, enqueued_at, reason, history)
            VALUES (@id, @name, @sweep, @spec, @priority, 'queued', 0, @at, @reason, @history) RETURNING sequence
            """, c, t);
        foreach (var run in runs)
        {
            run.EnqueuedAt = Now;
            run.Attempts = 0;
            run.Transition(RunState.Queued, "submitted", Now);
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("id", run.Id);
            insert.Parameters.AddWithValue("name", run.Name);
            insert.Parameters.Add(PgQueueRows.Nullable("sweep", NpgsqlTypes.NpgsqlDbType.Text, run.SweepId));
            insert.Parameters.AddWithValue("spec", run.SpecHash);
            insert.Parameters.AddWithValue("priority", run.Priority);
            insert.Parameters.AddWithValue("at", run.EnqueuedAt);
            insert.Parameters.AddWithValue("reason", run.Reason!);
            insert.Parameters.AddWithValue("history", run.History.ToArray());
            run.Sequence = (long)insert.ExecuteScalar()!;
            run.ClaimKey = QueuedRun.ClaimKeyOf(run.Priority, run.Sequence);
        }
        return 0;
    });

    public QueuedRun? ClaimNext(string device, int slot, string? node = null) => Write((c, t) =>
    {
        // The reason and history entry QueueTransitions.Claim writes, with the attempt counted in SQL.
        var where = (node is null ? "" : node + " ") + device;
        using var claim = new NpgsqlCommand($"""
            UPDATE ibot_queue SET state = 'running', attempts = attempts + 1, device = @device, slot = @slot, node = @node,
              pid = NULL, process_start = NULL, started_at = @now, heartbeat_at = now(),
              reason = 'attempt ' || (attempts + 1) || ' on ' || @where,
              history = history || (@stamp || ' running: attempt ' || (attempts + 1) || ' on ' || @where)
            WHERE id = (SELECT id FROM ibot_queue WHERE state = 'queued' ORDER BY priority DESC, sequence LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING {PgQueueRows.Columns}
            """, c, t);
        var now = Now;
        claim.Parameters.AddWithValue("device", device);
        claim.Parameters.AddWithValue("slot", slot);
        claim.Parameters.Add(PgQueueRows.Nullable("node", NpgsqlTypes.NpgsqlDbType.Text, node));
        claim.Parameters.AddWithValue("now", now);
        claim.Parameters.AddWithValue("where", where);
        claim.Parameters.AddWithValue("stamp", now.ToString("O"));
        return PgQueueRows.ReadAll(claim).FirstOrDefault();
    });

    public void AttachProcess(string runId, int pid, long processStart) => Change(runId, run =>
    {
        run.Pid = pid;
        run.ProcessStart = processStart;
    });

    public void Finish(string runId, RunState state, string? reason) => Change(runId, run => QueueTransitions.Finish(run, state, reason, Now));

    public RunState Interrupt(string runId, string reason, int maxAttempts, bool countAttempt = true)
    {
        var result = RunState.Failed;
        Change(runId, run => result = QueueTransitions.Interrupt(run, reason, maxAttempts, countAttempt, Now));
        return result;
    }

    public CancelOutcome RequestCancel(string runId) => database.Run(true, (c, t) =>
    {
        if (Locked(c, t, runId) is not { } run) return CancelOutcome.NotFound;
        var outcome = QueueTransitions.Cancel(run, Now, out var changed);
        if (changed) PgQueueRows.Update(c, t, run);
        return outcome;
    }, () => CancelOutcome.NotFound, Error);

    /// <summary>A queued run's new priority (its place among the queued runs changes at once); false when the run is
    /// not queued, which changes nothing. (The web UI's branch adds this to <see cref="IRunQueue"/>.)</summary>
    public bool SetPriority(string runId, int priority) => database.Run(true, (c, t) =>
    {
        if (Locked(c, t, runId) is not { State: RunState.Queued } run) return false;
        run.Priority = priority;
        run.History.Add($"{Now:O} priority {priority}");
        PgQueueRows.Update(c, t, run);
        return true;
    }, () => false, Error);

    public QueuedRun? Get(string runId) => Read((c, t) =>
    {
        using var command = new NpgsqlCommand($"SELECT {PgQueueRows.Columns} FROM ibot_queue WHERE id = @id", c, t);
        command.Parameters.AddWithValue("id", runId);
        return PgQueueRows.ReadAll(command).FirstOrDefault();
    }, () => null);

    public IReadOnlyList<QueuedRun> List(params RunState[] states) => Read<IReadOnlyList<QueuedRun>>((c, t) =>
    {
        using var command = new NpgsqlCommand(
            $"SELECT {PgQueueRows.Columns} FROM ibot_queue WHERE cardinality(@states) = 0 OR state = ANY(@states) ORDER BY sequence", c, t);
        command.Parameters.AddWithValue("states", states.Select(s => s.ToString().ToLowerInvariant()).ToArray());
        return PgQueueRows.ReadAll(command);
    }, () => []);

    public void BeatNode(string node, string slots) => Write((c, t) =>
    {
        using var command = new NpgsqlCommand("""
            INSERT INTO ibot_nodes (name, heartbeat_at, started_at, machine, pid, slots) VALUES (@n, now(), now(), @m, @p, @s)
            ON CONFLICT (name) DO UPDATE SET heartbeat_at = now(), machine = excluded.machine, pid = excluded.pid, slots = excluded.slots
            """, c, t);
        command.Parameters.AddWithValue("n", node);
        command.Parameters.AddWithValue("m", Environment.MachineName);
        command.Parameters.AddWithValue("p", Environment.ProcessId);
        command.Parameters.AddWithValue("s", slots);
        return command.ExecuteNonQuery();
    });

    public void BeatRun(string runId) => Write((c, t) =>
    {
        using var command = new NpgsqlCommand("UPDATE ibot_queue SET heartbeat_at = now() WHERE id = @id AND state = 'running'", c, t);
        command.Parameters.AddWithValue("id", runId);
        return command.ExecuteNonQuery();
    });

    public IReadOnlyList<QueuedRun> Orphans(string node, TimeSpan timeout) => Read<IReadOnlyList<QueuedRun>>((c, t) =>
    {
        using var command = new NpgsqlCommand($"""
            SELECT {PgQueueRows.Columns} FROM ibot_queue q
            WHERE state = 'running' AND node IS DISTINCT FROM @me AND coalesce(heartbeat_at, started_at) < now() - @timeout
              AND NOT EXISTS (SELECT 1 FROM ibot_nodes n WHERE n.name = q.node AND n.heartbeat_at >= now() - @timeout)
            ORDER BY sequence
            """, c, t);
        command.Parameters.AddWithValue("me", node);
        command.Parameters.AddWithValue("timeout", timeout);
        return PgQueueRows.ReadAll(command);
    }, () => []);

    public bool TakeOver(string runId, string fromNode, string toNode) => Write((c, t) =>
    {
        using var command = new NpgsqlCommand("""
            UPDATE ibot_queue SET node = @to, history = history || @entry
            WHERE id = @id AND node IS NOT DISTINCT FROM @from AND state = 'running'
            """, c, t);
        command.Parameters.AddWithValue("id", runId);
        command.Parameters.AddWithValue("to", toNode);
        command.Parameters.Add(PgQueueRows.Nullable("from", NpgsqlTypes.NpgsqlDbType.Text, fromNode));
        command.Parameters.AddWithValue("entry", $"{Now:O} taken over by {toNode}: {fromNode} stopped beating");
        return command.ExecuteNonQuery() == 1;
    });

    public IReadOnlyList<(string Node, TimeSpan Silent, string Slots)> Nodes() => Read<IReadOnlyList<(string, TimeSpan, string)>>((c, t) =>
    {
        using var command = new NpgsqlCommand("SELECT name, now() - heartbeat_at, slots FROM ibot_nodes ORDER BY name", c, t);
        using var reader = command.ExecuteReader();
        var nodes = new List<(string, TimeSpan, string)>();
        while (reader.Read()) nodes.Add((reader.GetString(0), reader.GetTimeSpan(1), reader.GetString(2)));
        return nodes;
    }, () => []);

    private static QueuedRun? Locked(NpgsqlConnection c, NpgsqlTransaction t, string runId)
    {
        using var command = new NpgsqlCommand($"SELECT {PgQueueRows.Columns} FROM ibot_queue WHERE id = @id FOR UPDATE", c, t);
        command.Parameters.AddWithValue("id", runId);
        return PgQueueRows.ReadAll(command).FirstOrDefault();
    }

    private void Change(string runId, Action<QueuedRun> change) => database.Run(true, (c, t) =>
    {
        var run = Locked(c, t, runId) ?? throw new KeyNotFoundException($"run '{runId}' is not in the queue");
        change(run);
        PgQueueRows.Update(c, t, run);
        return 0;
    }, () => throw new KeyNotFoundException($"run '{runId}' is not in the queue (there is no queue yet)"), Error);
}
