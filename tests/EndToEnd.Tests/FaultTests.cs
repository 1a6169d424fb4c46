using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.Reconcile;
using Kaikukortti.TestSupport;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>
/// Nothing accepted is lost or counted twice (DESIGN §7) when the broker restarts, a service is killed, or the database
/// restarts under load: every use answered 201 reaches statistics exactly once. Each test bounds every wait, so a hang
/// fails the test instead of blocking the run, and leaves every resource running again whatever happens.
/// </summary>
[Collection(nameof(StopsServices))]
public sealed class FaultTests(SystemFixture system)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Restart = TimeSpan.FromSeconds(60);
    private const ushort NotFound = 404;

    private KaikuSystem System => system.System;

    [Fact(Timeout = 120_000)]
    public async Task Every_use_recorded_while_RabbitMQ_restarts_reaches_statistics_exactly_once()
    {
        var site = await RedemptionSite.CreateAsync(system);
        var card = await site.IssueCardAsync(children: 2);
        await site.EventuallyRecordedAsync(card);
        var broker = System.RabbitMq!;
        var statistics = System["statistics"];
        var deadLettered = await DeadLetteredAsync();

        var stream = UseStream.Start(site, card);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            // With statistics away, the events of the uses recorded from now on wait in its queue: the restart must keep them.
            await statistics.StopAsync().WaitAsync(Restart);
            var queued = await Eventually.MatchAsync(() => QueueDepthAsync("statistics"), depth => depth > 0, Convergence, "events to wait in the statistics queue");
            await broker.StopAsync().WaitAsync(Restart);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await broker.StartAsync().WaitAsync(Restart);
            (await QueueDepthAsync("statistics")).ShouldBeGreaterThanOrEqualTo(queued, "events queued before the restart are still there");
            await statistics.StartAsync().WaitAsync(Restart);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        finally
        {
            await stream.StopAsync();
            await EnsureRunningAsync(broker, statistics);
        }

        await ShouldReachStatisticsExactlyOnceAsync(site, stream, deadLettered);
        // Every service's consumer is connected again: a card issued now reaches the venue.
        await site.EventuallyRecordedAsync(await site.IssueCardAsync(children: 0));
    }

    [Fact(Timeout = 120_000)]
    public async Task Statistics_killed_while_uses_stream_in_converges_to_the_exact_totals()
    {
        var site = await RedemptionSite.CreateAsync(system);
        var card = await site.IssueCardAsync(children: 2);
        await site.EventuallyRecordedAsync(card);
        var statistics = (ServiceProcess)System["statistics"];
        var deadLettered = await DeadLetteredAsync();

        var stream = UseStream.Start(site, card);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            await statistics.KillAsync().WaitAsync(Restart);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await statistics.StartAsync().WaitAsync(Restart);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        finally
        {
            await stream.StopAsync();
            await EnsureRunningAsync(statistics);
        }

        await ShouldReachStatisticsExactlyOnceAsync(site, stream, deadLettered);
    }

    [Fact(Timeout = 120_000)]
    public async Task Redemptions_killed_mid_request_and_the_same_key_retried_records_one_use()
    {
        var site = await RedemptionSite.CreateAsync(system);
        await site.EventuallyRecordedAsync(await site.IssueCardAsync(children: 0));
        var card = await site.IssueCardAsync(children: 1);
        var redemptionsDb = System.GetConnectionString("redemptionsdb");
        await Eventually.TrueAsync(
            async () => await QueryAsync<long>(redemptionsDb, "SELECT count(*) FROM cards WHERE card_number = @card", new { card }) == 1,
            Convergence, "the card to reach the Redemptions service");
        var redemptions = (ServiceProcess)System["redemptions"];
        var key = Guid.NewGuid().ToString();

        // The lock on uses holds the request in the middle of its transaction: its key claimed, its use not yet written.
        await using (var blocker = await OpenAsync(redemptionsDb))
        {
            await using var transaction = await blocker.BeginTransactionAsync();
            await blocker.ExecuteAsync("LOCK TABLE uses IN ACCESS EXCLUSIVE MODE", transaction: transaction);
            var firstAttempt = site.RecordAsync(card, key, children: 1);
            try
            {
                var blockedBackend = await Eventually.MatchAsync(
                    () => QueryAsync<int?>(redemptionsDb, "SELECT max(pid) FROM pg_locks WHERE relation = 'uses'::regclass AND NOT granted"),
                    pid => pid is not null, Convergence, "the request to wait for the lock on uses");

                await redemptions.KillAsync().WaitAsync(Restart);
                (await firstAttempt.WaitAsync(Convergence)).StatusCode.ShouldNotBe(HttpStatusCode.Created);
                await transaction.RollbackAsync();

                // The killed request's transaction ends with its connection: nothing of it is left.
                await Eventually.TrueAsync(
                    async () => await QueryAsync<long>(redemptionsDb, "SELECT count(*) FROM pg_stat_activity WHERE pid = @blockedBackend", new { blockedBackend }) == 0,
                    Convergence, "the killed request's database session to end");
                (await QueryAsync<long>(redemptionsDb, "SELECT count(*) FROM idempotency_keys WHERE key = @key", new { key })).ShouldBe(0);
                (await QueryAsync<long>(redemptionsDb, "SELECT count(*) FROM uses WHERE card_number = @card", new { card })).ShouldBe(0);
            }
            finally
            {
                await EnsureRunningAsync(redemptions);
            }
        }

        var retried = await (await Eventually.MatchAsync(() => site.RecordAsync(card, key, children: 1),
            r => r.StatusCode != HttpStatusCode.BadGateway && r.StatusCode != HttpStatusCode.ServiceUnavailable, Convergence,
            "the restarted Redemptions service to answer")).ShouldBeJsonAsync(HttpStatusCode.Created);
        var useId = retried.GetProperty("id").GetGuid();
        var replayed = await (await site.RecordAsync(card, key, children: 1)).ShouldBeJsonAsync(HttpStatusCode.Created);
        replayed.GetProperty("id").GetGuid().ShouldBe(useId);

        (await QueryAsync<long>(redemptionsDb, "SELECT count(*) FROM uses WHERE card_number = @card", new { card })).ShouldBe(1);
        (await QueryAsync<Guid?>(redemptionsDb, "SELECT use_id FROM idempotency_keys WHERE key = @key", new { key })).ShouldBe(useId);
        (await QueryAsync<long>(redemptionsDb, "SELECT count(*) FROM outbox WHERE message_type LIKE @type AND body ->> 'useId' = @useId",
            new { type = "Kaikukortti.Contracts.Redemptions.UseRecorded,%", useId = useId.ToString() })).ShouldBe(1);
        // The first card's use (one ticket) and this one (an adult and a child).
        await Eventually.TrueAsync(async () => await StatisticsUsesAtAsync(site.VenueId) >= 3, Convergence, "the use in statistics");
        (await Reconciliation.CompareUntilAgreedAsync(system.Admin, Convergence)).Where(f => !f.Agrees).ShouldBeEmpty();
        (await StatisticsUsesAtAsync(site.VenueId)).ShouldBe(3);
    }

    [Fact(Timeout = 120_000)]
    public async Task Services_recover_on_their_own_when_PostgreSQL_restarts()
    {
        var site = await RedemptionSite.CreateAsync(system);
        var card = await site.IssueCardAsync(children: 1);
        await site.EventuallyRecordedAsync(card);
        var tickets = 1;
        // Its events are on their way to the other services when the database goes.
        var issuedBefore = await site.IssueCardAsync(children: 0);
        var postgres = System.Postgres!;
        var deadLettered = await DeadLetteredAsync();

        await postgres.StopAsync().WaitAsync(Restart);
        try
        {
            var refused = await site.RecordAsync(card, Guid.NewGuid().ToString());
            await refused.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "database-unavailable");
            refused.Headers.RetryAfter?.Delta.ShouldNotBeNull();
            await (await system.Gateway.GetAsync("/api/statistics/summary")).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "database-unavailable");
            (await system.Gateway.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await EnsureRunningAsync(postgres);
        }

        await Eventually.TrueAsync(async () => (await system.Gateway.GetAsync("/health")).StatusCode == HttpStatusCode.OK, Convergence, "every service to be healthy again");
        await site.EventuallyRecordedAsync(card, children: 1);
        await site.EventuallyRecordedAsync(issuedBefore);
        await site.EventuallyRecordedAsync(await site.IssueCardAsync(children: 0));
        tickets += 2 + 1 + 1;

        await Eventually.TrueAsync(async () => await StatisticsUsesAtAsync(site.VenueId) >= tickets, Convergence, "the uses in statistics");
        (await Reconciliation.CompareUntilAgreedAsync(system.Admin, Convergence)).Where(f => !f.Agrees).ShouldBeEmpty();
        (await StatisticsUsesAtAsync(site.VenueId)).ShouldBe(tickets);
        (await DeadLetteredAsync()).ShouldBe(deadLettered);
    }

    /// <summary>
    /// Redemptions recorded exactly the uses answered 201, and statistics count each of them once: not one more, not
    /// one less, and none was given up on into an error queue.
    /// </summary>
    private async Task ShouldReachStatisticsExactlyOnceAsync(RedemptionSite site, UseStream stream, long deadLetteredBefore)
    {
        stream.Failures.ShouldBeEmpty();
        stream.Recorded.ShouldBeGreaterThan(20);
        // The use recorded before the stream, of one ticket.
        var tickets = stream.Tickets + 1;
        var listed = await (await site.Venue.GetAsync($"/api/redemptions?venueId={site.VenueId}&pageSize=1")).ShouldBeJsonAsync(HttpStatusCode.OK);
        listed.GetProperty("total").GetInt32().ShouldBe(stream.Recorded + 1);

        await Eventually.TrueAsync(async () => await StatisticsUsesAtAsync(site.VenueId) >= tickets, Convergence, $"{tickets} uses in statistics");
        var redemptionsDb = System.GetConnectionString("redemptionsdb");
        await Eventually.TrueAsync(async () => await QueryAsync<long>(redemptionsDb, "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0,
            Convergence, "the Redemptions outbox to be drained");
        (await Reconciliation.CompareUntilAgreedAsync(system.Admin, Convergence)).Where(f => !f.Agrees).ShouldBeEmpty();
        (await StatisticsUsesAtAsync(site.VenueId)).ShouldBe(tickets);
        (await DeadLetteredAsync()).ShouldBe(deadLetteredBefore);
    }

    /// <summary>Uses at the venue as statistics count them, exactly (the national admin sees every figure); -1 while statistics cannot answer.</summary>
    private async Task<int> StatisticsUsesAtAsync(Guid venueId)
    {
        using var response = await system.Admin.GetAsync("/api/statistics/uses?groupBy=venue");
        if (!response.IsSuccessStatusCode) return -1;
        var rows = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray();
        return rows.Where(row => row.GetProperty("key").GetString() == venueId.ToString()).Select(row => row.GetProperty("uses").GetInt32()).SingleOrDefault();
    }

    /// <summary>Messages waiting in <paramref name="queue"/>; 0 when it does not exist.</summary>
    private async Task<long> QueueDepthAsync(string queue) => (await QueueDepthsAsync([queue])).Single();

    /// <summary>Messages in the services' <c>_error</c> queues: where a consumer gives up on a message.</summary>
    private async Task<long> DeadLetteredAsync() => (await QueueDepthsAsync([.. KaikuSystem.ServiceNames.Select(name => $"{name}_error")])).Sum();

    // A passive declare answers with the queue's message count, or closes the channel when there is no such queue.
    private async Task<IReadOnlyList<long>> QueueDepthsAsync(IReadOnlyList<string> queues)
    {
        using var timeout = new CancellationTokenSource(Convergence);
        await using var connection = await new ConnectionFactory { Uri = new Uri(System.GetConnectionString("rabbitmq")) }.CreateConnectionAsync(timeout.Token);
        var depths = new List<long>();
        foreach (var queue in queues)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token);
            try
            {
                depths.Add((await channel.QueueDeclarePassiveAsync(queue, timeout.Token)).MessageCount);
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == NotFound)
            {
                depths.Add(0);
            }
        }

        return depths;
    }

    // The system is shared with every other test: whatever happened, each resource runs again.
    private static async Task EnsureRunningAsync(params IResource[] resources)
    {
        foreach (var resource in resources.Where(resource => resource.State != ResourceState.Running))
        {
            await resource.StartAsync().WaitAsync(Restart);
        }
    }

    private static async Task<T> QueryAsync<T>(string connectionString, string sql, object? parameters = null)
    {
        await using var connection = await OpenAsync(connectionString);
        return await connection.QuerySingleAsync<T>(sql, parameters);
    }

    // Unpooled: a pooled connection would not survive the server's restart.
    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// A ticket desk recording uses one after another, each under a fresh Idempotency-Key, with 0–2 children, until
    /// stopped; counts what was answered 201 and keeps every other answer.
    /// </summary>
    private sealed class UseStream
    {
        private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50);

        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _failures = [];
        private Task _desk = Task.CompletedTask;

        public int Recorded { get; private set; }

        public int Tickets { get; private set; }

        public IReadOnlyList<string> Failures => _failures;

        public static UseStream Start(RedemptionSite site, string cardNumber)
        {
            var stream = new UseStream();
            stream._desk = Task.Run(() => stream.RecordAsync(site, cardNumber));
            return stream;
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _desk.WaitAsync(Convergence);
        }

        private async Task RecordAsync(RedemptionSite site, string cardNumber)
        {
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                var children = i % 3;
                using var response = await site.RecordAsync(cardNumber, Guid.NewGuid().ToString(), children: children);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Recorded++;
                    Tickets += 1 + children;
                }
                else
                {
                    _failures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                await Task.Delay(Pace);
            }
        }
    }
}
