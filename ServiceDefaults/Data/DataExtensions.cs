using System.Data.Common;
using System.Reflection;
using Kaikukortti.ServiceDefaults.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

public static class DataExtensions
{
    /// <summary>
    /// Registers the service's <see cref="NpgsqlDataSource"/> from <c>ConnectionStrings:{name}</c> (Aspire's key),
    /// a readiness check on it, and applies the shared messaging migrations plus the embedded migrations of
    /// <paramref name="migrationsAssembly"/> (default: the application's assembly) before anything else starts.
    /// </summary>
    public static IHostApplicationBuilder AddNpgsqlDataSource(this IHostApplicationBuilder builder, string name, Assembly? migrationsAssembly = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(name)
            ?? throw new InvalidOperationException($"Connection string '{name}' is missing: set ConnectionStrings__{name}.");
        // The application's assembly, not the entry assembly: under a test host those differ.
        var assembly = migrationsAssembly ?? Assembly.Load(new AssemblyName(builder.Environment.ApplicationName));
        // Columns are snake_case, C# members PascalCase.
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(WithServiceDefaults(connectionString)) { Name = name }.Build());
        builder.Services.AddSingleton<MigrationRunner>();
        // Registered before messaging so the tables exist before the relay and consumers start.
        builder.Services.AddHostedService(sp => new MigrateOnStart(sp.GetRequiredService<MigrationRunner>(),
            [.. Migration.FromAssembly(typeof(DataExtensions).Assembly, "kaiku"), .. Migration.FromAssembly(assembly, assembly.GetName().Name!)],
            sp.GetRequiredService<ILogger<MigrateOnStart>>()));
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);
        return builder;
    }

    /// <summary>The connection string with the settings every service wants, unless it says otherwise.</summary>
    public static string WithServiceDefaults(string connectionString)
    {
        // NpgsqlConnectionStringBuilder.ContainsKey tells whether Npgsql knows a keyword, not whether the string sets it.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>().Select(Keyword).ToHashSet();
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        // A service sends the same few statements all day: prepared once per connection, PostgreSQL skips parsing and
        // planning them for every use (docs/benchmarks.md).
        if (!given.Contains(Keyword("Max Auto Prepare"))) settings.MaxAutoPrepare = 64;
        // Npgsql resets a pooled connection's session (DISCARD ALL) before each reuse, once per request. No code here
        // leaves session state behind (no SET, LISTEN or temporary tables; the migration lock is released explicitly),
        // so the reset is pure cost; and it would throw away the prepared statements.
        if (!given.Contains(Keyword("No Reset On Close"))) settings.NoResetOnClose = true;
        return settings.ConnectionString;
    }

    // Npgsql takes a keyword with or without its spaces, in any case.
    private static string Keyword(string key) => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}

/// <summary>Applies migrations at start-up, waiting for the database for a while if it is not up yet.</summary>
internal sealed class MigrateOnStart(MigrationRunner runner, IReadOnlyList<Migration> migrations, ILogger<MigrateOnStart> logger) : IHostedService
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + GiveUpAfter;
        while (true)
        {
            try
            {
                await runner.ApplyAsync(migrations, cancellationToken);
                return;
            }
            catch (NpgsqlException e) when (e.IsTransient && DateTime.UtcNow < deadline)
            {
                logger.LogWarning("Database not reachable yet ({Message}); retrying", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable", e);
        }
    }
}
