using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace Kaikukortti.Gateway;

/// <summary>
/// Swagger UI at <c>/docs</c> over every service's OpenAPI document, each fetched through the gateway at
/// <c>/docs/{service}/openapi.json</c>. The UI's assets come from the Swashbuckle package, not from a CDN.
/// </summary>
public static class ApiDocs
{
    public const string Prefix = "/docs";

    /// <summary>Where each service publishes its document (Microsoft.AspNetCore.OpenApi's default).</summary>
    public const string ServiceDocumentPath = "/openapi/v1.json";

    public static string DocumentPath(string service) => $"{Prefix}/{service}/openapi.json";

    public static IEnumerable<RouteConfig> Routes(IEnumerable<string> services) =>
        services.Select(service => new RouteConfig
        {
            RouteId = $"{service}-docs",
            ClusterId = service,
            Match = new RouteMatch { Path = DocumentPath(service), Methods = [HttpMethods.Get, HttpMethods.Head] },
            AuthorizationPolicy = GatewayModule.AnonymousPolicy,
        }.WithTransformPathSet(ServiceDocumentPath));

    public static WebApplication MapApiDocs(this WebApplication app, IEnumerable<string> services)
    {
        app.MapSwaggerUI(Prefix.TrimStart('/'), options =>
        {
            options.DocumentTitle = "Kaikukortti API";
            foreach (var service in services) options.SwaggerEndpoint(DocumentPath(service), service);
        });
        return app;
    }
}
