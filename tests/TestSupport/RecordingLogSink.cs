using System.Collections.Concurrent;
using Kaikukortti.AppHost.Hosting;

namespace Kaikukortti.TestSupport;

/// <summary>Keeps what the hosting code logs, so tests can assert on it.</summary>
public sealed class RecordingLogSink : LogSink
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _alerts = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public IReadOnlyCollection<string> Alerts => _alerts;

    public override void Write(string source, string line) => _lines.Enqueue($"[{source}] {line}");

    public override void Alert(string source, string line) => _alerts.Enqueue(line);
}
