using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kaikukortti.TestSupport;

/// <summary>
/// Runs one service in memory with its real hosted services (migrations, outbox relay, consumers), configured only
/// through the same Aspire keys AppHost injects (<c>ConnectionStrings:*</c>, <c>OTEL_SERVICE_NAME</c>, …).
/// </summary>
public sealed class ServiceFactory<TProgram>(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? replaceServices = null)
    : WebApplicationFactory<TProgram>
    where TProgram : class
{
    /// <summary>The service on a fresh database of its own, with its own queue on the shared broker.</summary>
    /// <param name="replaceServices">Swaps services after the service's own registrations: a clock, a random source…</param>
    public static async Task<ServiceFactory<TProgram>> CreateAsync(
        PostgresFixture postgres, RabbitMqFixture rabbitMq, string database, IReadOnlyDictionary<string, string>? settings = null,
        Action<IServiceCollection>? replaceServices = null) =>
        new(new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            [$"ConnectionStrings:{database}"] = await postgres.CreateDatabaseAsync(),
            ["ConnectionStrings:rabbitmq"] = rabbitMq.ConnectionString,
            // The queue is named after the service: a unique name keeps parallel test classes from sharing one.
            ["OTEL_SERVICE_NAME"] = $"{database}-{Guid.NewGuid():N}",
            [AuthExtensions.KeyRingPathKey] = Tokens.ForTests.KeyRingPath,
        }, replaceServices);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        if (replaceServices is not null) builder.ConfigureTestServices(replaceServices);
    }
}
