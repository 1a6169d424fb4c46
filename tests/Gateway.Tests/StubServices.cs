using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(Kaikukortti.Gateway.Tests.StubServices))]

namespace Kaikukortti.Gateway.Tests;

/// <summary>
/// One tiny HTTP server per service behind the gateway, on 127.0.0.1: each answers any request with what it received,
/// serves an OpenAPI document and a healthy <c>/health</c>, and the identity stub lists revoked clients.
/// </summary>
public sealed class StubServices : IAsyncLifetime
{
    public static readonly string[] Names = ["identity", "cards", "venues", "redemptions", "statistics"];

    private readonly List<WebApplication> apps = [];
    private readonly ConcurrentDictionary<string, bool> revoked = new();

    public IReadOnlyDictionary<string, string> Urls { get; private set; } = new Dictionary<string, string>();

    /// <summary>While set, <c>/internal/revoked-clients</c> answers 503.</summary>
    public bool RevocationsFail { get; set; }

    public void Revoke(string clientId) => revoked[clientId] = true;

    public async ValueTask InitializeAsync()
    {
        var urls = new Dictionary<string, string>();
        foreach (var name in Names)
        {
            var app = Build(name);
            await app.StartAsync();
            apps.Add(app);
            urls[name] = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        }
        Urls = urls;
    }

    private WebApplication Build(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/internal/revoked-clients", () => RevocationsFail
            ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
            : Results.Json(revoked.Keys.ToArray()));
        app.MapGet("/openapi/v1.json", () => Results.Json(new { openapi = "3.1.1", info = new { title = name, version = "v1" }, paths = new { } }));
        app.MapGet("/health", () => Results.Json(new { status = "Healthy" }));
        app.MapFallback((HttpRequest request) => Results.Json(new Echo(name, request.Method, request.Path, request.Headers.Authorization.ToString())));
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in apps) await app.DisposeAsync();
    }
}

/// <summary>What a stub service received.</summary>
public sealed record Echo(string Service, string Method, string Path, string Authorization);
