using System.Net;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.TestSupport;

[assembly: AssemblyFixture(typeof(Kaikukortti.EndToEnd.Tests.SystemFixture))]

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>The whole system, started by the same hosting code as <c>dotnet run --project AppHost</c>, on free ports.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private readonly TempDirectory directory = new();

    public KaikuSystem System { get; private set; } = null!;

    /// <summary>Anonymous: no token.</summary>
    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>The bootstrap national admin, with a token from the real token endpoint.</summary>
    public HttpClient Admin { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        System = await KaikuSystem.StartAsync(new KaikuSystemOptions
        {
            DataDirectory = directory.Path,
            GatewayPort = 0,
            Throwaway = true,
            // Every test request comes from 127.0.0.1: the per-IP limits for anonymous callers would throttle the suite.
            // The limits themselves are tested in Gateway.Tests.
            Environment = new Dictionary<string, string?>
            {
                ["RateLimits__Anonymous__PermitsPerSecond"] = "1000",
                ["RateLimits__TokenEndpoint__PermitsPerSecond"] = "1000",
            },
        });
        try
        {
            Gateway = new HttpClient { BaseAddress = new Uri(System.GatewayUrl) };
            Admin = new HttpClient { BaseAddress = new Uri(System.GatewayUrl) }.As(await TokenAsync(KaikuSystem.AdminClientId, System.AdminSecret));
        }
        catch
        {
            // A fixture that fails to initialize is not disposed: stop the system here or its processes outlive the run.
            await System.DisposeAsync();
            await directory.DisposeAsync();
            throw;
        }
    }

    /// <summary>A token from <c>POST /connect/token</c> through the gateway.</summary>
    public async Task<string> TokenAsync(string clientId, string secret)
    {
        var response = await Gateway.PostAsync("/connect/token", new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret)]));
        return (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        Admin.Dispose();
        await System.DisposeAsync();
        await directory.DisposeAsync();
    }
}

/// <summary>Tests that stop services of the shared system or need its totals to hold still: they run alone, after every other collection.</summary>
[CollectionDefinition(nameof(StopsServices), DisableParallelization = true)]
public sealed class StopsServices;
