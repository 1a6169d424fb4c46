using System.Text.Json;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Problems;
using Yarp.ReverseProxy.Configuration;

namespace Kaikukortti.Gateway;

/// <summary>
/// The single public entry: routes every public path prefix to the service that owns it, to anyone on public reads
/// and to authenticated site clients otherwise, within the caller's rate limit.
/// </summary>
public static class GatewayModule
{
    /// <summary>Large enough for a batch of 500 offline uses, small enough to refuse abuse early.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>YARP's reserved policy name for a route that needs no authorization at all.</summary>
    public const string AnonymousPolicy = "anonymous";

    /// <summary>The public statistics dashboard (Statistics service), where <c>/</c> leads.</summary>
    public const string DashboardPath = "/dashboard";

    private static readonly string[] Reads = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>
    /// Path prefixes of the public API (DESIGN §5), the service behind each, and the methods anyone may use without a
    /// token (DESIGN §2, "anyone"). Every other request needs a site client's token; the services check its scope.
    /// </summary>
    public static readonly IReadOnlyList<GatewayRoute> Routes =
    [
        new("/connect/token", "identity", HttpMethods.Post),
        new("/connect", "identity"),
        new("/api/clients", "identity"),
        new("/api/areas", "venues", Reads),
        new("/api/venues", "venues", Reads),
        new("/api/distributors", "cards"),
        new("/api/cards", "cards"),
        new("/api/redemptions", "redemptions"),
        // Public answers are suppressed; the service makes them exact for a token scoped to them.
        new("/api/statistics", "statistics", Reads),
        new(DashboardPath, "statistics", Reads),
    ];

    public static IEnumerable<string> Services => Routes.Select(r => r.Service).Distinct();

    public static IHostApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        // YARP logs every proxied request at Information; at a busy ticket desk that is noise, traces cover it.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.AddKaikuAuthentication();
        builder.AddTokenChecks();
        builder.AddGatewayRateLimits();

        var destinations = Services.ToDictionary(service => service, service => ServiceUrl(builder.Configuration, service));
        builder.Services.AddReverseProxy().LoadFromMemory(
            [.. Routes.SelectMany(ProxyRoutes), .. ApiDocs.Routes(Services)],
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
        // After UseServiceDefaults' authentication: a request spends the budget of its token's client.
        app.UseRateLimiter();
        app.MapGet(Extensions.HealthPath, SystemHealth.GetAsync).WithName("SystemHealth").WithSummary("Health of the gateway and every service").DisableRateLimiting();
        app.MapGet(Extensions.AlivePath, () => TypedResults.Ok()).WithName("Alive").DisableRateLimiting();
        app.MapApiDocs(Services);
        // The public front page is the statistics dashboard; ?lang= and ?area= carry over.
        app.MapMethods("/", Reads, (HttpRequest request) => TypedResults.Redirect(DashboardPath + request.QueryString))
            .WithName("Home").WithSummary("Redirects to the public statistics dashboard");
        app.MapReverseProxy();
        return app;
    }

    // A prefix with public methods gets two routes on the same path; routing prefers the one that names the method.
    private static IEnumerable<RouteConfig> ProxyRoutes(GatewayRoute route)
    {
        var routeId = route.Service + route.Prefix.Replace('/', '-');
        var path = route.Prefix + "/{**rest}";
        yield return new RouteConfig
        {
            RouteId = routeId,
            ClusterId = route.Service,
            Match = new RouteMatch { Path = path },
            AuthorizationPolicy = AuthExtensions.SiteClientPolicy,
        };
        if (route.AnonymousMethods.Length == 0) yield break;
        yield return new RouteConfig
        {
            RouteId = routeId + "-anonymous",
            ClusterId = route.Service,
            Match = new RouteMatch { Path = path, Methods = route.AnonymousMethods },
            AuthorizationPolicy = AnonymousPolicy,
        };
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
            // Kestrel will not read the rest of the body, so it drops the connection after the answer: say so, or the client
            // reuses the connection for its next request, which then fails ("response ended prematurely").
            context.Response.Headers.Connection = "close";
            return ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large").ExecuteAsync(context);
        }
        return next(context);
    }
}

/// <summary>A path prefix, the service that owns it, and the methods anyone may call on it without a token.</summary>
public sealed record GatewayRoute(string Prefix, string Service, params string[] AnonymousMethods);

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
