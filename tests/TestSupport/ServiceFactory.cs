using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

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

    /// <summary>A connection to the service's own database, for looking at what it stored.</summary>
    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = Services.GetRequiredService<NpgsqlDataSource>().CreateConnection();
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The events the service wrote to its outbox, in order: each event's type name and JSON body.</summary>
    public async Task<List<(string Type, JsonElement Body)>> OutboxAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        var rows = await connection.QueryAsync<(string, string)>("SELECT message_type, body::text FROM outbox ORDER BY id");
        return [.. rows.Select(r => (r.Item1.Split(',')[0].Split('.').Last(), JsonDocument.Parse(r.Item2).RootElement))];
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        if (replaceServices is not null) builder.ConfigureTestServices(replaceServices);
    }
}
