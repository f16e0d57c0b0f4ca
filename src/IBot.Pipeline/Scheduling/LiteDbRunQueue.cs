using LiteDB;

namespace IBot.Pipeline.Scheduling;

/// <summary>The queue as a <c>runs</c> collection in <see cref="QueueDatabase"/>; every method is one locked transaction.</summary>
public sealed class LiteDbRunQueue(QueueDatabase database, TimeProvider? clock = null) : IRunQueue
{
    private const string Runs = "runs";
    private readonly TimeProvider time = clock ?? TimeProvider.System;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static ILiteCollection<QueuedRun> Collection(LiteDatabase db)
    {
        var runs = db.GetCollection<QueuedRun>(Runs);
        runs.EnsureIndex(r => r.ClaimKey);
        runs.EnsureIndex(r => r.Sequence);
        return runs;
    }

    /// <summary>For reads, which open the file read-only: the indexes exist since the first enqueue.</summary>
    private static ILiteCollection<QueuedRun> Reading(LiteDatabase db) => db.GetCollection<QueuedRun>(Runs);

    public void Verify() => database.Verify();

    public void Enqueue(IReadOnlyList<QueuedRun> runs) => database.Write(db =>
    {
        var meta = db.GetCollection<BsonDocument>("meta");
        var counter = meta.FindById("sequence")?["value"].AsInt64 ?? 0;
        foreach (var run in runs)
        {
            run.Sequence = ++counter;
            run.EnqueuedAt = Now;
            run.Attempts = 0;
            run.Transition(RunState.Queued, "submitted", Now);
        }
        meta.Upsert(new BsonDocument { ["_id"] = "sequence", ["value"] = counter });
        Collection(db).InsertBulk(runs);
    });

    public QueuedRun? ClaimNext(string device, int slot) => database.Change(db =>
    {
        var runs = Collection(db);
        var next = runs.Query().Where(r => r.ClaimKey != null).OrderBy(r => r.ClaimKey).FirstOrDefault();
        if (next is null) return null;
        next.Attempts++;
        next.Device = device;
        next.Slot = slot;
        next.Pid = null;
        next.ProcessStart = null;
        next.StartedAt = Now;
        next.Transition(RunState.Running, $"attempt {next.Attempts} on {device}", Now);
        runs.Update(next);
        return next;
    }, () => null);

    public void AttachProcess(string runId, int pid, long processStart) => Change(runId, run =>
    {
        run.Pid = pid;
        run.ProcessStart = processStart;
    });

    public void Finish(string runId, RunState state, string? reason) => Change(runId, run =>
    {
        if (state is RunState.Queued or RunState.Running) throw new ArgumentException($"{state} is not a final state", nameof(state));
        run.EndedAt = Now;
        run.Transition(state, reason, Now);
    });

    public RunState Interrupt(string runId, string reason, int maxAttempts, bool countAttempt = true)
    {
        var result = RunState.Failed;
        Change(runId, run =>
        {
            if (run.State != RunState.Running) { result = run.State; return; }
            if (!countAttempt) run.Attempts--;
            run.Pid = null;
            run.ProcessStart = null;
            if (run.CancelRequested)
            {
                run.EndedAt = Now;
                run.Transition(RunState.Cancelled, "cancel requested; " + reason, Now);
            }
            else if (run.Attempts < maxAttempts) run.Transition(RunState.Queued, $"interrupted ({reason}); requeued", Now);
            else
            {
                run.EndedAt = Now;
                run.Transition(RunState.Failed, $"interrupted ({reason}) after {run.Attempts} attempts", Now);
            }
            result = run.State;
        });
        return result;
    }

    public CancelOutcome RequestCancel(string runId) => database.Change(db =>
    {
        var runs = Collection(db);
        var run = runs.FindById(runId);
        if (run is null) return CancelOutcome.NotFound;
        switch (run.State)
        {
            case RunState.Queued:
                run.CancelRequested = true;
                run.EndedAt = Now;
                run.Transition(RunState.Cancelled, "cancelled while queued", Now);
                runs.Update(run);
                return CancelOutcome.Removed;
            case RunState.Running:
                run.CancelRequested = true;
                run.History.Add($"{Now:O} cancel requested");
                runs.Update(run);
                return CancelOutcome.Stopping;
            default:
                return CancelOutcome.AlreadyFinished;
        }
    }, () => CancelOutcome.NotFound);

    public bool SetPriority(string runId, int priority) => database.Change(db =>
    {
        var runs = Collection(db);
        var run = runs.FindById(runId);
        if (run is not { State: RunState.Queued }) return false;
        run.Priority = priority;
        run.ClaimKey = QueuedRun.ClaimKeyOf(priority, run.Sequence);
        run.History.Add($"{Now:O} priority {priority}");
        runs.Update(run);
        return true;
    }, () => false);

    public QueuedRun? Get(string runId) => database.Read<QueuedRun?>(db => Reading(db).FindById(runId), () => null);

    public IReadOnlyList<QueuedRun> List(params RunState[] states) => database.Read(db =>
        (IReadOnlyList<QueuedRun>)Reading(db).FindAll().Where(r => states.Length == 0 || states.Contains(r.State)).OrderBy(r => r.Sequence).ToList(), () => []);

    private void Change(string runId, Action<QueuedRun> change) => database.Change(db =>
    {
        var runs = Collection(db);
        var run = runs.FindById(runId) ?? throw new KeyNotFoundException($"run '{runId}' is not in the queue");
        change(run);
        runs.Update(run);
        return true;
    }, () => throw new KeyNotFoundException($"run '{runId}' is not in the queue (there is no queue yet)"));
}
