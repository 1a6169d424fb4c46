using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Kaikukortti.TestSupport;

/// <summary>
/// Runs one service in memory with its real hosted services (migrations, outbox relay, consumers), configured only
/// through the same Aspire keys AppHost injects (<c>ConnectionStrings:*</c>, <c>OTEL_SERVICE_NAME</c>, …).
/// </summary>
public sealed class ServiceFactory<TProgram>(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<TProgram>
    where TProgram : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }
}
