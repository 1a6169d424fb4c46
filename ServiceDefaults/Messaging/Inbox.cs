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
}

/// <remarks>
/// An outage of the database is waited out here, however long it lasts, with the message unacknowledged: the bounded
/// retries and then the error queue are for messages that fail for a reason of their own (a bug), while an event given
/// up on during an outage would be missing from this service's state for good. If the service stops or crashes while
/// waiting, the broker hands the message to the queue again.
/// </remarks>
internal sealed class InboxConsumer<TMessage, THandler>(NpgsqlDataSource dataSource, THandler handler, ILogger<InboxConsumer<TMessage, THandler>> logger)
    : IConsumer<TMessage>
    where TMessage : class
    where THandler : IInboxHandler<TMessage>
{
    private static readonly string ConsumerName = typeof(THandler).Name;
    private static readonly TimeSpan FirstOutageDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxOutageDelay = TimeSpan.FromSeconds(5);

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id and cannot be deduplicated.");
        var cancellationToken = context.CancellationToken;
        var delay = FirstOutageDelay;
        while (true)
        {
            try
            {
                await ApplyOnceAsync(context.Message, messageId, cancellationToken);
                return;
            }
            catch (Exception e) when (DatabaseErrors.IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("{Message} {MessageId} waits for the database ({Error}); trying again in {Delay} ms",
                    typeof(TMessage).Name, messageId, e.Message, delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxOutageDelay.Ticks));
            }
        }
    }

    private async Task ApplyOnceAsync(TMessage message, Guid messageId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A concurrent duplicate blocks on this row until the first delivery commits or rolls back.
        var first = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO inbox (consumer, message_id) VALUES (@ConsumerName, @messageId) ON CONFLICT DO NOTHING",
            new { ConsumerName, messageId }, transaction, cancellationToken: cancellationToken)) == 1;
        if (!first)
        {
            logger.LogInformation("{Message} {MessageId} already handled by {Consumer}; ignoring the redelivery", typeof(TMessage).Name, messageId, ConsumerName);
            return;
        }
        await handler.HandleAsync(message, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
