using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Kaikukortti.TestSupport;

/// <summary>
/// Records what an in-memory service logs, at every level: each line with its message, structured values and
/// exception, and each scope. Register it with <c>services.AddSingleton&lt;ILoggerProvider&gt;(capture)</c>.
/// </summary>
public sealed class LogCapture : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull
    {
        lines.Enqueue($"scope: {state}");
        return null;
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
        lines.Enqueue($"{logLevel} {formatter(state, exception)} {values} {exception}");
    }

    public void Dispose()
    {
    }
}
