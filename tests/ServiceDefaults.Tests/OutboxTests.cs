using Dapper;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.ServiceDefaults.Messaging;
using Kaikukortti.TestSupport;
using static Kaikukortti.ServiceDefaults.Tests.MessagingHost;

namespace Kaikukortti.ServiceDefaults.Tests;

public sealed class OutboxTests(PostgresFixture postgres, RabbitMqFixture rabbitMq)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Committed_events_are_published_and_applied_exactly_once()
    {
        await using var host = await StartAsync(await postgres.CreateDatabaseAsync(), rabbitMq.ConnectionString);
        var run = Guid.NewGuid();

        for (var i = 0; i < 25; i++) await host.EnqueueAsync(new Pinged { Run = run, Text = $"ping-{i:00}" });

        await Eventually.TrueAsync(async () => (await host.PingsAsync(run)).Count == 25, Delivery, "25 pings");
        await Eventually.TrueAsync(async () => await UnsentAsync(host) == 0, Delivery, "every outbox row marked sent");
        await Task.Delay(500);
        (await host.PingsAsync(run)).ShouldBe(Enumerable.Range(0, 25).Select(i => $"ping-{i:00}"));
    }

    [Fact]
    public async Task An_event_handed_over_as_an_object_goes_out_as_its_own_type()
    {
        await using var host = await StartAsync(await postgres.CreateDatabaseAsync(), rabbitMq.ConnectionString);
        var run = Guid.NewGuid();

        await using (var connection = await host.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            object ping = new Pinged { Run = run, Text = "as-object" };
            await Outbox.EnqueueAsync(transaction, ping);
            await Outbox.CommitAsync(transaction);
        }

        await Eventually.TrueAsync(async () => (await host.PingsAsync(run)).Contains("as-object"), Delivery, "the ping enqueued as object");
    }

    [Fact]
    public async Task An_event_written_in_a_rolled_back_transaction_is_never_sent()
    {
        await using var host = await StartAsync(await postgres.CreateDatabaseAsync(), rabbitMq.ConnectionString);
        var run = Guid.NewGuid();

        var ghost = await host.EnqueueAsync(new Pinged { Run = run, Text = "rolled-back" }, commit: false);
        await host.EnqueueAsync(new Pinged { Run = run, Text = "committed" });

        await Eventually.TrueAsync(async () => (await host.PingsAsync(run)).Contains("committed"), Delivery, "the committed ping");
        await Task.Delay(500);
        (await host.PingsAsync(run)).ShouldBe(["committed"]);
        await using var connection = await host.DataSource.OpenConnectionAsync();
        (await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM outbox WHERE message_id = @ghost", new { ghost })).ShouldBe(0);
    }

    [Fact]
    public async Task A_row_committed_without_waking_the_relay_is_published_by_polling()
    {
        await using var host = await StartAsync(await postgres.CreateDatabaseAsync(), rabbitMq.ConnectionString);
        var run = Guid.NewGuid();
        await host.EnqueueAsync(new Pinged { Run = run, Text = "notified" });
        await Eventually.TrueAsync(async () => (await host.PingsAsync(run)).Count == 1, Delivery, "the notified ping");

        // Written by another connection, as another instance of the service would: only the polling fallback can find it.
        await using (var connection = await host.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO outbox (message_id, message_type, body)
                SELECT gen_random_uuid(), message_type, jsonb_set(body, '{text}', '"polled"') FROM outbox ORDER BY id LIMIT 1
                """);

        await Eventually.TrueAsync(async () => (await host.PingsAsync(run)).Count == 2, Delivery, "the polled ping");
        (await host.PingsAsync(run)).ShouldBe(["notified", "polled"]);
    }

    [Fact]
    public async Task An_event_committed_while_the_broker_is_down_is_delivered_when_it_is_back()
    {
        await using var directory = new TempDirectory();
        await using var broker = await RabbitMqServer.StartAsync(new RabbitMqServerOptions { DataDirectory = directory.Path });
        await using var host = await StartAsync(await postgres.CreateDatabaseAsync(), broker.ConnectionString);
        var run = Guid.NewGuid();
        await host.EnqueueAsync(new Pinged { Run = run, Text = "before" });
        await Eventually.TrueAsync(async () => (await host.PingsAsync(run)).Count == 1, Delivery, "the ping sent before the outage");

        await broker.StopAsync();
        await host.EnqueueAsync(new Pinged { Run = run, Text = "during" });
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await UnsentAsync(host)).ShouldBe(1);

        await broker.StartAsync();
        await Eventually.TrueAsync(async () => (await host.PingsAsync(run)).Count == 2, TimeSpan.FromSeconds(60), "the ping committed during the outage");
        (await host.PingsAsync(run)).ShouldBe(["before", "during"]);
        (await UnsentAsync(host)).ShouldBe(0);
    }

    private static async Task<int> UnsentAsync(MessagingHost host)
    {
        await using var connection = await host.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM outbox WHERE sent_at IS NULL");
    }
}
