namespace Kaikukortti.AppHost.Hosting;

public sealed record RabbitMqServerOptions
{
    /// <summary>Holds the broker's configuration, Erlang cookie, message store and logs.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The AMQP port; 0 picks a free one, kept across restarts of the same server.</summary>
    public int Port { get; init; }

    public LogSink Log { get; init; } = LogSink.Null;

    public ToolPaths Tools { get; init; } = ToolPaths.Default;

    public string Name { get; init; } = "rabbitmq";
}
