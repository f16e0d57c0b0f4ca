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
// SIGTERM (ibot serve stopping its runs, or a scheduler) asks the same clean stop as Ctrl+C.
using var sigterm = OperatingSystem.IsWindows() ? null : System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});
// Errors and warnings on standard error, apart from the output (JSON stays parseable in a pipe).
var errors = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
return await CliApp.RunAsync(AnsiConsole.Console, args, cancel.Token, error: errors);
