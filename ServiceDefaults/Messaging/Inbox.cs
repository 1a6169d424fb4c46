using Dapper;
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

internal sealed class InboxConsumer<TMessage, THandler>(NpgsqlDataSource dataSource, THandler handler, ILogger<InboxConsumer<TMessage, THandler>> logger)
    : IConsumer<TMessage>
    where TMessage : class
    where THandler : IInboxHandler<TMessage>
{
    private static readonly string ConsumerName = typeof(THandler).Name;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id and cannot be deduplicated.");
        var cancellationToken = context.CancellationToken;
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
        await handler.HandleAsync(context.Message, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
