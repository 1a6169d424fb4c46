namespace Kaikukortti.AppHost.Hosting;

public sealed record PostgresServerOptions
{
    /// <summary>Holds the cluster (in <c>data/</c>, created with initdb on first use) and AppHost's lock on it.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>0 picks a free port, kept across restarts of the same server.</summary>
    public int Port { get; init; }

    /// <summary>Trades durability for speed (no fsync): for test clusters only, never for data that must survive a crash.</summary>
    public bool Throwaway { get; init; }

    public LogSink Log { get; init; } = LogSink.Null;

    public ToolPaths Tools { get; init; } = ToolPaths.Default;

    public string Name { get; init; } = "postgres";
}
