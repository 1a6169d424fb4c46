using Dapper;
using Kaikukortti.ServiceDefaults.Data;
using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kaikukortti.ServiceDefaults.Messaging;

/// <summary>
/// Applies one kind of event to the service's own state. The work is done in <paramref name="transaction"/>,
/// which also records the message as handled, so a redelivered message is applied exactly once.
/// </summary>
public interface IInboxHandler<in TMessage> where TMessage : class
{
    Task HandleAsync(TMessage message, NpgsqlTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the messages of one batch not handled before, in the batch's order, never none. One at a time unless the
    /// handler does better: one that writes counters can sum the batch and write each counter once.
    /// </summary>
    async Task HandleAsync(IReadOnlyList<TMessage> messages, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var message in messages) await HandleAsync(message, transaction, cancellationToken);
    }
}

/// <summary>
/// Applies the events of one type in batches (up to <see cref="InboxRegistrations.BatchSize"/>, or what arrived within
/// <see cref="InboxRegistrations.BatchWait"/>): one transaction, one inbox insert and one commit for the whole batch
/// instead of one each per event, which was most of a consumer's cost per event (docs/benchmarks.md). The handler gets
/// the batch's new messages in one call, so that it too can do its work once per batch rather than per event.
/// </summary>
/// <remarks>
/// An outage of the database is waited out here, however long it lasts, with the messages unacknowledged: the bounded
/// retries and then the error queue are for messages that fail for a reason of their own (a bug), while an event given
/// up on during an outage would be missing from this service's state for good. If the service stops or crashes while
/// waiting, the broker hands the messages to the queue again.
/// </remarks>
internal sealed class InboxConsumer<TMessage, THandler>(NpgsqlDataSource dataSource, THandler handler, ILogger<InboxConsumer<TMessage, THandler>> logger)
    : IConsumer<Batch<TMessage>>
    where TMessage : class
    where THandler : IInboxHandler<TMessage>
{
    private static readonly string ConsumerName = typeof(THandler).Name;
    private static readonly TimeSpan FirstOutageDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxOutageDelay = TimeSpan.FromSeconds(5);

    public async Task Consume(ConsumeContext<Batch<TMessage>> context)
    {
        var messages = context.Message.Select(item => (
            Id: item.MessageId ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id and cannot be deduplicated."),
            item.Message)).ToList();
        var cancellationToken = context.CancellationToken;
        try
        {
            await ApplyAsync(messages, cancellationToken);
        }
        catch (Exception e) when (messages.Count > 1 && !cancellationToken.IsCancellationRequested)
        {
            // One event failing for a reason of its own must not keep the rest of its batch out of this service's state.
            // Each is applied on its own; only if one still fails does the batch go to the retries and then the error
            // queue, where copies of the applied ones are skipped by the inbox should the queue ever be replayed.
            logger.LogWarning("A batch of {Count} {Message} failed ({Error}); applying them one at a time", messages.Count, typeof(TMessage).Name, e.Message);
            var failures = new List<Exception>();
            foreach (var message in messages)
            {
                try
                {
                    await ApplyAsync([message], cancellationToken);
                }
                catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
                {
                    failures.Add(failure);
                }
            }
            if (failures.Count > 0) throw new AggregateException(failures);
        }
    }

    /// <summary>Applies the messages in one transaction, waiting out an outage of the database however long it lasts.</summary>
    private async Task ApplyAsync(IReadOnlyList<(Guid Id, TMessage Message)> messages, CancellationToken cancellationToken)
    {
        var delay = FirstOutageDelay;
        while (true)
        {
            try
            {
                await ApplyOnceAsync(messages, cancellationToken);
                return;
            }
            catch (Exception e) when (DatabaseErrors.IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("{Count} {Message} wait for the database ({Error}); trying again in {Delay} ms",
                    messages.Count, typeof(TMessage).Name, e.Message, delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxOutageDelay.Ticks));
            }
        }
    }

    private async Task ApplyOnceAsync(IReadOnlyList<(Guid Id, TMessage Message)> messages, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A concurrent duplicate blocks on its row until the first delivery commits or rolls back. RETURNING names the
        // messages seen for the first time; a message twice in the batch is inserted (and applied) once.
        var fresh = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "INSERT INTO inbox (consumer, message_id) SELECT @ConsumerName, unnest(@ids) ON CONFLICT DO NOTHING RETURNING message_id",
            new { ConsumerName, ids = messages.Select(m => m.Id).ToArray() }, transaction, cancellationToken: cancellationToken))).ToHashSet();
        var toApply = new List<TMessage>(fresh.Count);
        foreach (var (id, message) in messages)
        {
            if (fresh.Remove(id)) toApply.Add(message);
            else logger.LogInformation("{Message} {MessageId} already handled by {Consumer}; ignoring the redelivery", typeof(TMessage).Name, id, ConsumerName);
        }
        if (toApply.Count > 0) await handler.HandleAsync(toApply, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
