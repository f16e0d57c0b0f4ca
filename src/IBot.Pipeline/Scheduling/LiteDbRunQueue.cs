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

    public QueuedRun? ClaimNext(string device, int slot, string? node = null) => database.Change(db =>
    {
        var runs = Collection(db);
        var next = runs.Query().Where(r => r.ClaimKey != null).OrderBy(r => r.ClaimKey).FirstOrDefault();
        if (next is null) return null;
        QueueTransitions.Claim(next, device, slot, node, Now);
        runs.Update(next);
        return next;
    }, () => null);

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

    public CancelOutcome RequestCancel(string runId) => database.Change(db =>
    {
        var runs = Collection(db);
        var run = runs.FindById(runId);
        if (run is null) return CancelOutcome.NotFound;
        var outcome = QueueTransitions.Cancel(run, Now, out var changed);
        if (changed) runs.Update(run);
        return outcome;
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
