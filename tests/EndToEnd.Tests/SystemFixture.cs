using Kaikukortti.AppHost.Hosting;
using Kaikukortti.TestSupport;

[assembly: AssemblyFixture(typeof(Kaikukortti.EndToEnd.Tests.SystemFixture))]

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>The whole system, started by the same hosting code as <c>dotnet run --project AppHost</c>, on free ports.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private readonly TempDirectory directory = new();

    public KaikuSystem System { get; private set; } = null!;
    public HttpClient Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        System = await KaikuSystem.StartAsync(new KaikuSystemOptions
        {
            DataDirectory = directory.Path,
            GatewayPort = 0,
            Throwaway = true,
        });
        Gateway = new HttpClient { BaseAddress = new Uri(System.GatewayUrl) };
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        await System.DisposeAsync();
        await directory.DisposeAsync();
    }
}
