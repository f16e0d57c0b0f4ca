using System.Diagnostics;
using IBot.Pipeline.Scheduling;

namespace IBot.Pipeline.Hosting;

/// <summary>
/// Runs each queued run as <c>ibot run --resume RUN --workspace W --device D</c> in a child
/// process, so a native crash or an out-of-memory kill takes one run down, never the service.
/// <c>--resume</c> starts from scratch when the folder has no checkpoint yet, and from the last
/// checkpoint otherwise. The child's output goes straight to <c>worker.log</c> in the run folder
/// (through <c>sh -c 'exec …'</c>, which keeps the pid): no pipe ties the run to the service, so a
/// run outlives a service killed with kill -9 and is adopted by the next one.
/// </summary>
/// <param name="command">The ibot executable, and the arguments before the command (the dll when run through <c>dotnet</c>).</param>
/// <param name="workspace">Where the run folders are.</param>
/// <param name="store">A shared store's URL, passed on as <c>--store</c> (it holds no password) so the run records
/// its lineage and beats there; null for the workspace's own files.</param>
public sealed class ProcessRunLauncher(IReadOnlyList<string> command, Workspace workspace, string? store = null) : IRunLauncher
{
    public IRunProcess Launch(QueuedRun run, DeviceLease lease, Action exited)
    {
        var folder = workspace.RunFolder(run.Id);
        var arguments = command.Concat(["run", "--resume", run.Id, "--workspace", workspace.Root, "--device", lease.Device, "--json"]).ToList();
        if (store is not null) arguments.AddRange(["--store", store]);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var a in new[] { "-c", "exec \"$@\" >> \"$IBOT_WORKER_LOG\" 2>&1 < /dev/null", "ibot-worker" }.Concat(arguments)) start.ArgumentList.Add(a);
        start.Environment["IBOT_WORKER_LOG"] = new RunLayout(folder).WorkerLog;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Exited += (_, _) => exited();
        process.Start();
        var startTime = ProcessIdentity.StartTime(process.Id) ?? process.StartTime.ToUniversalTime().Ticks;
        return new ChildRunProcess(process, startTime);
    }

    public IRunProcess? Adopt(QueuedRun run) =>
        run is { Pid: { } pid, ProcessStart: { } start } && ProcessIdentity.IsAlive(pid, start) ? new AdoptedRunProcess(pid, start) : null;
}
