using Kaikukortti.AppHost.Hosting;
using Xunit;

namespace Kaikukortti.TestSupport;

/// <summary>
/// A throwaway RabbitMQ broker for a test assembly (<c>[assembly: AssemblyFixture(typeof(RabbitMqFixture))]</c>),
/// from the same hosting code AppHost uses.
/// </summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private RabbitMqServer? _server;

    public RabbitMqServer Server => _server ?? throw new InvalidOperationException("The fixture has not been initialised.");

    /// <summary><c>amqp://guest:guest@127.0.0.1:PORT/</c></summary>
    public string ConnectionString => Server.ConnectionString;

    public async ValueTask InitializeAsync() =>
        _server = await RabbitMqServer.StartAsync(new RabbitMqServerOptions
        {
            DataDirectory = Path.Combine(_directory.Path, "rabbitmq"),
        });

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _directory.DisposeAsync();
    }
}
