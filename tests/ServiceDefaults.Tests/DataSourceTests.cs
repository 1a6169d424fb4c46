using Dapper;
using Kaikukortti.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Kaikukortti.ServiceDefaults.Tests;

public sealed class DataSourceTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_service_prepares_the_statements_it_sends_often_and_keeps_them_between_requests()
    {
        using var host = ServiceHost(await postgres.CreateDatabaseAsync());
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        // Npgsql sends @request as $1.
        const string Statement = "SELECT $1::int + 1";

        for (var request = 0; request < 8; request++)
        {
            // One pooled connection per request, as the services use them.
            await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
            (await connection.ExecuteScalarAsync<int>("SELECT @request::int + 1", new { request })).ShouldBe(request + 1);
        }

        await using var last = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        (await last.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_prepared_statements WHERE statement = @Statement", new { Statement }))
            .ShouldBe(1, "prepared on the server once, not parsed and planned for every request");
    }

    [Fact]
    public async Task The_service_defaults_turn_preparing_on_and_the_pooled_connection_reset_off()
    {
        var settings = new NpgsqlConnectionStringBuilder(DataExtensions.WithServiceDefaults(await postgres.CreateDatabaseAsync()));

        (settings.NoResetOnClose, settings.MaxAutoPrepare).ShouldBe((true, 64));
    }

    [Theory]
    [InlineData("Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("maxautoprepare=0;NoResetOnClose=false")]
    public async Task A_connection_string_that_says_otherwise_is_followed(string setting)
    {
        var settings = new NpgsqlConnectionStringBuilder(DataExtensions.WithServiceDefaults($"{await postgres.CreateDatabaseAsync()};{setting}"));

        (settings.NoResetOnClose, settings.MaxAutoPrepare).ShouldBe((false, 0));
    }

    // Built, not started: the data source is all the test needs, and the host disposes it.
    private static IHost ServiceHost(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = typeof(DataSourceTests).Assembly.GetName().Name,
            EnvironmentName = "Testing",
        });
        builder.Configuration["ConnectionStrings:testdb"] = connectionString;
        builder.AddNpgsqlDataSource("testdb");
        return builder.Build();
    }
}
