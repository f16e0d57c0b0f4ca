using System.Diagnostics;
using IBot.Pipeline.Scheduling;

namespace IBot.Pipeline.Hosting;

/// <summary>
/// Runs each queued run as <c>ibot run --resume RUN --workspace W --device D</c> in a child
/// process, so a native crash or an out-of-memory kill takes one run down, never the service.
/// <c>--resume</c> starts from scratch when the folder has no checkpoint yet, and from the last
/// checkpoint otherwise. The child's output goes to <c>worker.log</c> in the run folder.
/// </summary>
/// <param name="command">The ibot executable, and the arguments before the command (the dll when run through <c>dotnet</c>).</param>
/// <param name="workspace">Where the run folders are.</param>
public sealed class ProcessRunLauncher(IReadOnlyList<string> command, Workspace workspace) : IRunLauncher
{
    public IRunProcess Launch(QueuedRun run, DeviceLease lease, Action exited)
    {
        var folder = workspace.RunFolder(run.Id);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in command.Skip(1)) start.ArgumentList.Add(a);
        foreach (var a in new[] { "run", "--resume", run.Id, "--workspace", workspace.Root, "--device", lease.Device, "--json" }) start.ArgumentList.Add(a);
        var log = new StreamWriter(Path.Combine(folder, "worker.log"), append: true) { AutoFlush = true };
        var logGate = new Lock();
        void Write(string? line)
        {
            if (line is null) return;
            lock (logGate) log.WriteLine(line);
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) =>
        {
            // Drain the pipes before the service looks at the run's files.
            process.WaitForExit();
            lock (logGate) log.Dispose();
            exited();
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var startTime = ProcessIdentity.StartTime(process.Id) ?? process.StartTime.ToUniversalTime().Ticks;
        return new ChildRunProcess(process, startTime);
    }

    public IRunProcess? Adopt(QueuedRun run) =>
        run is { Pid: { } pid, ProcessStart: { } start } && ProcessIdentity.IsAlive(pid, start) ? new AdoptedRunProcess(pid, start) : null;
}
