using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace IBot.Pipeline.Postgres.Tests;

/// <summary>A node's log lines, prefixed with the node's name, into one list the test reads.</summary>
public sealed class ListLogger(string node, ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Enqueue($"{node}: {formatter(state, exception)}");

    public void Dispose() { }
}
