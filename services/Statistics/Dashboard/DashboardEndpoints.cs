using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Kaikukortti.Statistics.Dashboard;

/// <summary>
/// The public statistics dashboard (DESIGN §5, <c>GET /dashboard</c>): a static page, its script and its stylesheet,
/// embedded in this assembly. The page reads the public statistics API from the same origin, through the gateway; it
/// loads nothing from anywhere else, which its Content-Security-Policy enforces.
/// </summary>
public static class DashboardEndpoints
{
    public const string Path = "/dashboard";

    /// <summary>
    /// Only this origin's script and stylesheet: no inline script or style, no other host. <c>data:</c> images for the
    /// empty favicon (<c>&lt;link rel="icon" href="data:,"&gt;</c>), which keeps browsers from asking for /favicon.ico.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head];

    private static readonly IReadOnlyDictionary<string, Asset> Assets = new Dictionary<string, Asset>
    {
        [Path] = Asset.Load("dashboard.html", "text/html; charset=utf-8"),
        [$"{Path}/dashboard.js"] = Asset.Load("dashboard.js", "text/javascript; charset=utf-8"),
        [$"{Path}/dashboard.css"] = Asset.Load("dashboard.css", "text/css; charset=utf-8"),
    };

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        foreach (var (path, asset) in Assets)
        {
            app.MapMethods(path, Methods, (HttpContext context) => Serve(context, asset))
                .WithName("Dashboard" + System.IO.Path.GetExtension(asset.Name).TrimStart('.').ToUpperInvariant())
                .ExcludeFromDescription()
                .AllowAnonymous();
        }
        return app;
    }

    private static IResult Serve(HttpContext context, Asset asset)
    {
        var headers = context.Response.Headers;
        // Always revalidated (cheap: the ETag answers 304), so a new version is picked up at once after a deploy.
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag);
    }

    private sealed record Asset(string Name, string ContentType, byte[] Content, EntityTagHeaderValue ETag)
    {
        public static Asset Load(string name, string contentType)
        {
            var resource = $"Dashboard/{name}";
            using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The dashboard asset {resource} is not embedded in the Statistics assembly.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
            return new Asset(name, contentType, content, etag);
        }
    }
}
