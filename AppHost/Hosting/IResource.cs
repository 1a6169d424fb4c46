namespace Kaikukortti.AppHost.Hosting;

/// <summary>Something the system runs: a server or a service, which can be stopped and started again.</summary>
public interface IResource
{
    string Name { get; }

    ResourceState State { get; }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:5123</c>; null before its first start.</summary>
    string? Url { get; }

    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops gracefully, escalating to SIGKILL after a grace period; always finishes, so it takes no token.</summary>
    Task StopAsync();
}
