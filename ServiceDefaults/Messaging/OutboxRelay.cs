using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kaikukortti.ServiceDefaults.Messaging;

/// <summary>
/// Publishes committed outbox rows in order of writing and marks them sent once the broker has confirmed them.
/// Woken by <see cref="Outbox.CommitAsync"/> in this process, and polling for rows committed otherwise (or by
/// another instance of the service). A broker or database outage only delays publishing: rows stay until they are confirmed, and a
/// row published twice (crash between confirm and mark) is harmless because every consumer has an inbox.
/// </summary>
internal sealed class OutboxRelay(NpgsqlDataSource dataSource, IBus bus, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    // At most one wake-up waits: many commits while a batch is being published need one more look, not many.
    private readonly Channel<bool> wakeUps = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        var lastPruned = DateTime.MinValue;
        Outbox.Committed += WakeUp;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    while (await PublishBatchAsync(stoppingToken) == BatchSize) { }
                    backoff = TimeSpan.FromMilliseconds(250);
                    if (DateTime.UtcNow - lastPruned > PruneEvery)
                    {
                        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                        await connection.ExecuteAsync("DELETE FROM outbox WHERE sent_at < now() - interval '7 days'");
                        lastPruned = DateTime.UtcNow;
                    }
                    await WaitForWakeUpAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("Outbox relay paused: {Error}; retrying in {Delay} ms", e.Message, backoff.TotalMilliseconds);
                    await Task.Delay(backoff, stoppingToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                }
            }
        }
        finally
        {
            Outbox.Committed -= WakeUp;
        }
    }

    private void WakeUp() => wakeUps.Writer.TryWrite(true);

    private async Task WaitForWakeUpAsync(CancellationToken stoppingToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        poll.CancelAfter(PollInterval);
        try
        {
            await wakeUps.Reader.ReadAsync(poll.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Time for a poll.
        }
    }

    /// <returns>How many rows were picked up, so the caller knows whether more are waiting.</returns>
    private async Task<int> PublishBatchAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        await using var transaction = await connection.BeginTransactionAsync(stoppingToken);
        // SKIP LOCKED lets several instances of a service relay side by side without publishing the same rows.
        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition("""
            SELECT id, message_id AS MessageId, message_type AS MessageType, body::text AS Body, trace_parent AS TraceParent
            FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT @BatchSize FOR UPDATE SKIP LOCKED
            """, new { BatchSize }, transaction, cancellationToken: stoppingToken))).ToList();
        if (rows.Count == 0) return 0;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(PublishTimeout);
        var published = await Task.WhenAll(rows.Select(row => TryPublishAsync(row, timeout.Token)));
        var sent = rows.Where((_, i) => published[i]).Select(row => row.Id).ToArray();

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE outbox SET sent_at = now() WHERE id = ANY(@sent)", new { sent }, transaction, cancellationToken: stoppingToken));
        await transaction.CommitAsync(stoppingToken);
        if (sent.Length < rows.Count) throw new InvalidOperationException($"{rows.Count - sent.Length} of {rows.Count} outbox messages were not confirmed by the broker");
        return rows.Count;
    }

    private async Task<bool> TryPublishAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        ActivityContext.TryParse(row.TraceParent, null, out var parent);
        using var activity = Telemetry.Source.StartActivity("outbox publish", ActivityKind.Producer, parent);
        try
        {
            var type = Type.GetType(row.MessageType, throwOnError: true)!;
            var message = JsonSerializer.Deserialize(row.Body, type, Outbox.Json)!;
            await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = row.MessageId), cancellationToken);
            return true;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            logger.LogDebug(e, "Publishing outbox message {MessageId} failed", row.MessageId);
            return false;
        }
    }

    private sealed record OutboxRow(long Id, Guid MessageId, string MessageType, string Body, string? TraceParent);
}
