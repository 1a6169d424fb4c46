namespace Kaikukortti.AppHost.Hosting;

public sealed record KaikuSystemOptions
{
    /// <summary>Holds the servers' data (unless external), the services' shared files and AppHost's bookkeeping.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The gateway listens on <c>http://localhost:GatewayPort</c>; 0 picks a free port.</summary>
    public int GatewayPort { get; init; }

    /// <summary>Runs PostgreSQL without durability (see <see cref="PostgresServerOptions.Throwaway"/>): for tests.</summary>
    public bool Throwaway { get; init; }

    /// <summary>An administrator connection string to an existing PostgreSQL server; none is started then.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>A connection string to an existing RabbitMQ broker; none is started then.</summary>
    public string? RabbitMqConnectionString { get; init; }

    public string? OtlpEndpoint { get; init; }

    /// <summary>The bootstrap national admin's secret; when null, one is generated on first run and kept in the data directory.</summary>
    public string? AdminSecret { get; init; }

    /// <summary>Extra variables for every service and the gateway; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public LogSink Log { get; init; } = LogSink.Null;

    public ToolPaths Tools { get; init; } = ToolPaths.Default;
}
