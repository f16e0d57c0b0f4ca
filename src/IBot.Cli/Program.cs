using IBot.Cli;
using IBot.Pipeline.Vision.Runtime;
using Spectre.Console;

// Before libtorch allocates anything: keep freed tensor memory for reuse (see HostMemory).
HostMemory.Tune();

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C asks the command to stop cleanly; a second one kills the process.
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    cancel.Cancel();
};
return await CliApp.RunAsync(AnsiConsole.Console, args, cancel.Token);
