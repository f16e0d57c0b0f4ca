using System.Collections.Concurrent;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Scheduling;

namespace IBot.Pipeline.Tests.Scheduling;

/// <summary>A runner behind the service's launcher interface that does the smallest possible run
/// in-process (write the status file, as <c>ibot run</c> does), so tests measure the queue and the
/// service, not training. <see cref="Hang"/> makes chosen runs stop beating without exiting.</summary>
public sealed class InProcessLauncher(Workspace workspace) : IRunLauncher
{
    private int nextPid = 1_000_000;

    public ConcurrentDictionary<string, int> Launches { get; } = new();

    public HashSet<string> Hang { get; } = [];

    /// <summary>Runs whose process outlived the previous service, as <see cref="Adopt"/> finds them.</summary>
    public Dictionary<string, FakeProcess> Survivors { get; } = [];

    public IRunProcess Launch(QueuedRun run, DeviceLease lease, Action exited)
    {
        Launches.AddOrUpdate(run.Id, 1, (_, n) => n + 1);
        var process = new FakeProcess(Interlocked.Increment(ref nextPid));
        var hang = Hang.Contains(run.Id) && Launches[run.Id] == 1;
        _ = Task.Run(async () =>
        {
            if (hang)
            {
                await process.Killed.Task;
                process.Exit();
            }
            else
            {
                File.WriteAllText(new RunLayout(workspace.RunFolder(run.Id)).Status, "completed\n");
                process.Exit();
            }
            exited();
        });
        return process;
    }

    public IRunProcess? Adopt(QueuedRun run) => Survivors.GetValueOrDefault(run.Id);

    public sealed class FakeProcess(int pid) : IRunProcess
    {
        private volatile bool exited;

        public TaskCompletionSource Killed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Pid { get; } = pid;

        public long StartTime => Pid;

        public bool HasExited => exited;

        public void Exit() => exited = true;

        public void RequestStop() => Killed.TrySetResult();

        public void Kill() => Killed.TrySetResult();
    }
}
