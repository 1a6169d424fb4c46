using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Kaikukortti.ServiceDefaults.Messaging;

/// <summary>
/// The transactional outbox: an event is stored in the caller's transaction, so it exists exactly when the state
/// change it describes was committed. <see cref="OutboxRelay"/> publishes it afterwards.
/// </summary>
public static class Outbox
{
    internal const string Channel = "kaiku_outbox";
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <returns>The message id consumers will see (and deduplicate on).</returns>
    public static async Task<Guid> EnqueueAsync<T>(NpgsqlTransaction transaction, T message, CancellationToken cancellationToken = default) where T : class
    {
        var messageId = Guid.CreateVersion7();
        // The runtime type, not T: an event passed as object must still go out as what it is.
        var type = message.GetType();
        // NOTIFY is transactional too: the relay is woken only if and when this transaction commits.
        await transaction.Connection!.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO outbox (message_id, message_type, body, trace_parent) VALUES (@messageId, @type, @body::jsonb, @traceParent);
            SELECT pg_notify('{Channel}', '');
            """,
            new
            {
                messageId,
                type = TypeName(type),
                body = JsonSerializer.Serialize(message, type, Json),
                traceParent = Activity.Current?.Id,
            },
            transaction, cancellationToken: cancellationToken));
        return messageId;
    }

    // Without the assembly version, so rows written before an upgrade still resolve after it.
    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
