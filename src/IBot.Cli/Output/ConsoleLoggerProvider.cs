using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace IBot.Cli.Output;

/// <summary>Service logs as plain timestamped lines (greppable, never wrapped): information on the
/// console, warnings and errors on the error console (standard error), as every command's errors.</summary>
public sealed class ConsoleLoggerProvider(IAnsiConsole console, ErrorConsole errors, LogLevel minimum) : ILoggerProvider
{
    private readonly Lock gate = new();
    private readonly IAnsiConsole console = console;
    private readonly IAnsiConsole errors = errors.Console;
    private readonly LogLevel minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ConsoleLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            // Quartz and the host log under their own categories; only our own are worth their full names.
            var source = category.StartsWith("IBot.", StringComparison.Ordinal) ? "" : $"[{category}] ";
            var text = $"{DateTime.UtcNow:HH:mm:ss.fff} {Level(logLevel)} {source}{formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}";
            lock (owner.gate) JsonOutput.Line(logLevel >= LogLevel.Warning ? owner.errors : owner.console, text);
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Warning => "warn ",
            LogLevel.Error or LogLevel.Critical => "error",
            LogLevel.Debug or LogLevel.Trace => "debug",
            _ => "info ",
        };
    }
}
