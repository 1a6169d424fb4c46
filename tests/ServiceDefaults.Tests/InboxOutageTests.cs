using System.Diagnostics;
using Dapper;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.TestSupport;
using Npgsql;

namespace Kaikukortti.ServiceDefaults.Tests;

/// <summary>
/// An outage of the database loses no event, however long it lasts: a message that cannot be applied meanwhile waits,
/// unacknowledged, until the database is back — in the same service, or in the next one to start on its queue. Each
/// test has a PostgreSQL server of its own to stop.
/// </summary>
public sealed class InboxOutageTests(RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(30);

    // Longer than the bounded retries of a failing message (about 12 s), after which it would be in the error queue.
    private static readonly TimeSpan LongOutage = TimeSpan.FromSeconds(16);

    // Well below MassTransit's stop timeout (15 s), which a consumer waiting for the database would otherwise use up.
    private static readonly TimeSpan StopWithoutWaitingOut = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _directory = new();
    private PostgresServer _postgres = null!;

    [Fact(Timeout = 120_000)]
    public async Task A_message_that_arrives_during_a_long_database_outage_is_applied_once_the_database_is_back()
    {
        var database = await _postgres.EnsureDatabaseAsync("inbox_outage");
        await using var host = await MessagingHost.StartAsync(database, rabbitMq.ConnectionString);
        var run = Guid.NewGuid();

        await _postgres.StopAsync();
        await host.Bus.Publish(new Pinged { Run = run, Text = "during-the-outage" });
        await Task.Delay(LongOutage);
        await _postgres.StartAsync();

        await Eventually.TrueAsync(async () => (await PingsAsync(database, run)).Count > 0, Delivery, "the ping");
        (await PingsAsync(database, run)).ShouldBe(["during-the-outage"]);
        (await MessagesInAsync($"{host.Queue}_error")).ShouldBe(0);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_message_waiting_for_the_database_when_the_service_stops_is_applied_by_the_next_one()
    {
        var database = await _postgres.EnsureDatabaseAsync("inbox_handover");
        var run = Guid.NewGuid();
        var stopping = await MessagingHost.StartAsync(database, rabbitMq.ConnectionString);
        var queue = stopping.Queue;
        Stopwatch stop;
        try
        {
            await _postgres.StopAsync();
            await stopping.Bus.Publish(new Pinged { Run = run, Text = "handed-over" });
            // Long enough for the message to be delivered and to fail against the stopped database.
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            stop = Stopwatch.StartNew();
            await stopping.DisposeAsync();
        }

        stop.Elapsed.ShouldBeLessThan(StopWithoutWaitingOut, "the wait for the database does not hold up the stop");

        await _postgres.StartAsync();
        await using var next = await MessagingHost.StartAsync(database, rabbitMq.ConnectionString, queue);

        await Eventually.TrueAsync(async () => (await PingsAsync(database, run)).Count > 0, Delivery, "the ping");
        (await PingsAsync(database, run)).ShouldBe(["handed-over"]);
        (await MessagesInAsync($"{queue}_error")).ShouldBe(0);
    }

    public async ValueTask InitializeAsync() =>
        _postgres = await PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = Path.Combine(_directory.Path, "postgres"), Throwaway = true });

    public async ValueTask DisposeAsync()
    {
        await _postgres.DisposeAsync();
        await _directory.DisposeAsync();
    }

    // Unpooled: a pooled connection would not survive the server's restart.
    private static async Task<List<string>> PingsAsync(string database, Guid run)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        return (await connection.QueryAsync<string>("SELECT text FROM pings WHERE run = @run ORDER BY text", new { run })).ToList();
    }

    /// <returns>The messages in <paramref name="queue"/>; 0 when it does not exist.</returns>
    private async Task<long> MessagesInAsync(string queue)
    {
        using var timeout = new CancellationTokenSource(Delivery);
        var lines = await rabbitMq.Server.ControlAsync(["list_queues", "--quiet", "--no-table-headers", "name", "messages"], timeout.Token);
        return lines.Select(line => line.Split('\t', StringSplitOptions.TrimEntries))
            .Where(fields => fields.Length == 2 && fields[0] == queue)
            .Sum(fields => long.Parse(fields[1]));
    }
}
