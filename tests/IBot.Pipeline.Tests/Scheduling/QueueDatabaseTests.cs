using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Storage;

namespace IBot.Pipeline.Tests.Scheduling;

/// <summary>queue.db under the same discipline as lineage.db: reads create nothing, a damaged file is
/// refused by every operation and kept byte for byte, and the page check passes a queue that has seen
/// every kind of change.</summary>
public sealed class QueueDatabaseTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-queue-db-").FullName;

    private string Workspace => Path.Combine(dir, "ws");

    private QueueDatabase Database() => new(Path.Combine(Workspace, "queue.db"));

    private static QueuedRun Run(string id) => new() { Id = id, Name = id };

    private static ScheduleEntry Schedule(string id) => new() { Id = id, Name = id, Cron = "0 0 2 * * ?", SpecYaml = "name: x\n", SourcePath = "/x.yaml", CreatedAt = DateTime.UtcNow };

    [Fact]
    public void Reading_or_cancelling_in_a_missing_workspace_creates_nothing()
    {
        var queue = new LiteDbRunQueue(Database());
        var schedules = new LiteDbScheduleStore(Database());
        Assert.Empty(queue.List());
        Assert.Null(queue.Get("x"));
        Assert.Null(queue.ClaimNext("cpu", 0));
        Assert.Equal(CancelOutcome.NotFound, queue.RequestCancel("x"));
        Assert.Empty(schedules.List());
        Assert.False(schedules.Remove("x"));
        queue.Verify();
        Assert.False(Directory.Exists(Workspace));
    }

    [Fact]
    public void A_damaged_queue_is_refused_by_every_operation_and_kept_byte_for_byte()
    {
        var queue = new LiteDbRunQueue(Database());
        queue.Enqueue(Enumerable.Range(0, 200).Select(i => Run($"r{i:D3}")).ToList());
        new LiteDbScheduleStore(Database()).Add(Schedule("s0"));
        var whole = File.ReadAllBytes(Database().Path);
        var noise = whole.ToArray();
        new Random(9).NextBytes(noise.AsSpan(8192));
        foreach (var (bytes, reason) in new[] { (whole[..(whole.Length / 2 / 8192 * 8192)], "cut short"), ([], "empty"), (noise, "") })
        {
            File.WriteAllBytes(Database().Path, bytes);
            var schedules = new LiteDbScheduleStore(Database());
            var calls = new (string Name, Action Call)[]
            {
                ("list", () => queue.List()), ("get", () => queue.Get("r001")), ("claim", () => queue.ClaimNext("cpu", 0)),
                ("cancel", () => queue.RequestCancel("r001")), ("enqueue", () => queue.Enqueue([Run("more")])),
                ("schedules", () => schedules.List()), ("schedule", () => schedules.Add(Schedule("s"))), ("verify", queue.Verify),
            };
            foreach (var (name, call) in calls)
            {
                var e = Record.Exception(call);
                Assert.True(e is QueueStoreException && e.Message.Contains("damaged or not a queue database") && e.Message.Contains(reason), $"{name} on a file {reason}: {e}");
                Assert.Equal(bytes, File.ReadAllBytes(Database().Path));
            }
        }
    }

    [Fact]
    public void The_page_check_passes_a_queue_after_every_kind_of_change()
    {
        var database = Database();
        var queue = new LiteDbRunQueue(database);
        var schedules = new LiteDbScheduleStore(database);
        for (var round = 0; round < 3; round++)
        {
            queue.Enqueue(Enumerable.Range(0, 150).Select(i => Run($"r{round}-{i:D3}")).ToList());
            for (var i = 0; i < 100; i++) schedules.Add(Schedule($"s{round}-{i:D3}"));
            while (queue.ClaimNext("cpu", 0) is { } run)
            {
                queue.AttachProcess(run.Id, 42, 7);
                if (run.Attempts < 2) queue.Interrupt(run.Id, "killed", maxAttempts: 3);
                else queue.Finish(run.Id, RunState.Completed, null);
            }
            for (var i = 0; i < 100; i += 2) Assert.True(schedules.Remove($"s{round}-{i:D3}"));
        }
        Assert.Null(LiteFileCheck.Problem(database.Path));
        queue.Verify();
        Assert.Equal(450, queue.List(RunState.Completed).Count);
        Assert.Equal(150, schedules.List().Count);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
