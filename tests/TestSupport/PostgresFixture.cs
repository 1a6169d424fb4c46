using Kaikukortti.AppHost.Hosting;
using Xunit;

namespace Kaikukortti.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server for a test assembly (<c>[assembly: AssemblyFixture(typeof(PostgresFixture))]</c>),
/// from the same hosting code AppHost uses; each test takes a database of its own.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The fixture has not been initialised.");

    /// <summary>The superuser's connection string to the <c>postgres</c> database.</summary>
    public string ConnectionString => Server.ConnectionString;

    public async ValueTask InitializeAsync() =>
        _server = await PostgresServer.StartAsync(new PostgresServerOptions
        {
            DataDirectory = Path.Combine(_directory.Path, "postgres"),
            Throwaway = true,
        });

    /// <summary>A connection string to a new, empty database with a unique name.</summary>
    public Task<string> CreateDatabaseAsync() => Server.EnsureDatabaseAsync($"test_{Guid.NewGuid():N}");

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _directory.DisposeAsync();
    }
}
