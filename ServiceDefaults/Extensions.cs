using System.Text.Json;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Data;
using Kaikukortti.ServiceDefaults.OpenApi;
using Kaikukortti.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every Kaikukortti service shares: telemetry, health, problem details and JSON conventions.</summary>
public static class Extensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    private const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddKaikuProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(options => KaikuJson.Configure(options.SerializerOptions));
        // Binding failures (malformed JSON, wrong types, unknown fields) become exceptions so that one handler
        // turns every one of them into the same 400 problem with a stable code.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddKaikuOpenApi();
        builder.Services.TryAddSingleton<TimeProvider>(new DatabaseClock(TimeProvider.System));
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapOpenApi();
        return app;
    }

    /// <summary>The middleware every service runs first: problem details for every error, then authentication.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Placed here rather than left to WebApplication, which would put them in front of the status-code pages
        // and so answer 401 and 403 with an empty body instead of a problem.
        if (app.Services.GetService<IAuthenticationSchemeProvider>() is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        return app;
    }

    /// <summary>The service's short name (e.g. "venues"): its queue name and telemetry service name.</summary>
    public static string ServiceName(this IHostApplicationBuilder builder) =>
        builder.Configuration["OTEL_SERVICE_NAME"]
        ?? builder.Environment.ApplicationName.Split('.').Last().ToLowerInvariant();

    private static void ConfigureOpenTelemetry(this IHostApplicationBuilder builder)
    {
        var serviceName = builder.ServiceName();
        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var exportOtlp = !string.IsNullOrWhiteSpace(otlpEndpoint);

        // Request-by-request framework logs (incoming and outgoing) would drown the service's own; traces cover requests.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        });
        if (exportOtlp)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName));
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
                logging.AddOtlpExporter();
            });
        }

        // The hosting and instrumentation packages are not available here: the SDK is created directly and
        // listens to the sources .NET and MassTransit already emit.
        var sdk = OpenTelemetrySdk.Create(otel =>
        {
            otel.ConfigureResource(resource => resource.AddService(serviceName));
            otel.WithTracing(tracing =>
            {
                tracing.AddSource("Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "MassTransit", Telemetry.SourceName);
                if (exportOtlp) tracing.AddOtlpExporter();
            });
            otel.WithMetrics(metrics =>
            {
                metrics.AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                    "System.Net.Http", "Npgsql", "MassTransit", Telemetry.SourceName);
                if (exportOtlp) metrics.AddOtlpExporter();
            });
        });
        builder.Services.AddSingleton(sdk);
        builder.Services.AddHostedService<TelemetryLifetime>();
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, KaikuJson.Options));
    }
}
