using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;

namespace Kaikukortti.ServiceDefaults;

public static class Telemetry
{
    public const string SourceName = "Kaikukortti";
    public static readonly ActivitySource Source = new(SourceName);
}

/// <summary>Flushes and shuts down the telemetry SDK when the host stops.</summary>
internal sealed class TelemetryLifetime(OpenTelemetrySdk sdk) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        sdk.Dispose();
        return Task.CompletedTask;
    }
}
