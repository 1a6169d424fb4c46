using System.Text.Json;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Problems;
using Yarp.ReverseProxy.Configuration;

namespace Kaikukortti.Gateway;

/// <summary>The single public entry: routes every public path prefix to the service that owns it.</summary>
public static class GatewayModule
{
    /// <summary>Large enough for a batch of 500 offline uses, small enough to refuse abuse early.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Path prefixes of the public API (DESIGN §5) and the service behind each.</summary>
    public static readonly IReadOnlyList<(string Prefix, string Service)> Routes =
    [
        ("/connect", "identity"),
        ("/api/clients", "identity"),
        ("/api/areas", "venues"),
        ("/api/venues", "venues"),
        ("/api/distributors", "cards"),
        ("/api/cards", "cards"),
        ("/api/redemptions", "redemptions"),
        ("/api/statistics", "statistics"),
        ("/dashboard", "statistics"),
    ];

    public static IEnumerable<string> Services => Routes.Select(r => r.Service).Distinct();

    public static IHostApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        // YARP logs every proxied request at Information; at a busy ticket desk that is noise, traces cover it.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        var destinations = Services.ToDictionary(service => service, service => ServiceUrl(builder.Configuration, service));
        builder.Services.AddReverseProxy().LoadFromMemory(
            [.. Routes.Select((route, i) => new RouteConfig
            {
                RouteId = $"{route.Service}-{i}",
                ClusterId = route.Service,
                Match = new RouteMatch { Path = route.Prefix + "/{**rest}" },
            })],
            [.. destinations.Select(d => new ClusterConfig
            {
                ClusterId = d.Key,
                Destinations = new Dictionary<string, DestinationConfig> { [d.Key] = new() { Address = d.Value } },
            })]);
        builder.Services.AddHttpClient("health", client => client.Timeout = TimeSpan.FromSeconds(3));
        builder.Services.AddSingleton(new ServiceDirectory(destinations));
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.Use(RefuseOversizedBodies);
        app.MapGet(Extensions.HealthPath, SystemHealth.GetAsync).WithName("SystemHealth").WithSummary("Health of the gateway and every service");
        app.MapGet(Extensions.AlivePath, () => TypedResults.Ok()).WithName("Alive");
        app.MapReverseProxy();
        return app;
    }

    // Aspire's service-reference key: services__<name>__http__0.
    private static string ServiceUrl(IConfiguration configuration, string service) =>
        configuration[$"services:{service}:http:0"]
        ?? throw new InvalidOperationException($"The address of the {service} service is missing: set services__{service}__http__0.");

    // A declared oversized body is refused before anything is proxied; Kestrel's limit covers chunked bodies.
    private static Task RefuseOversizedBodies(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentLength > MaxRequestBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large").ExecuteAsync(context);
        }
        return next(context);
    }
}

public sealed record ServiceDirectory(IReadOnlyDictionary<string, string> Urls);

/// <summary><c>GET /health</c> on the gateway: healthy only when every service reports healthy.</summary>
public static class SystemHealth
{
    public static async Task<IResult> GetAsync(ServiceDirectory directory, IHttpClientFactory httpClients, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient("health");
        var checks = await Task.WhenAll(directory.Urls.Select(async service =>
        {
            try
            {
                using var response = await client.GetAsync(new Uri(new Uri(service.Value), Extensions.HealthPath), cancellationToken);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                return (service.Key, Healthy: response.IsSuccessStatusCode, Report: (object?)body);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                return (service.Key, Healthy: false, Report: new { status = "Unreachable" });
            }
        }));
        var healthy = checks.All(c => c.Healthy);
        var report = new
        {
            status = healthy ? "Healthy" : "Unhealthy",
            services = checks.OrderBy(c => c.Key).ToDictionary(c => c.Key, c => c.Report),
        };
        return TypedResults.Json(report, KaikuJson.Options, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
