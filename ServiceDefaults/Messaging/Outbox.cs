using System.Diagnostics;
using System.Text.Json;
using Kaikukortti.ServiceDefaults.Data;
using Npgsql;

namespace Kaikukortti.ServiceDefaults.Messaging;

/// <summary>
/// The transactional outbox: an event is stored in the caller's transaction, so it exists exactly when the state
/// change it describes was committed. <see cref="OutboxRelay"/> publishes it afterwards: at once when the transaction
/// is committed through <see cref="CommitAsync"/>, else at its next poll.
/// </summary>
public static class Outbox
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Raised after a transaction with events has committed: this process's relays publish them now.</summary>
    internal static event Action? Committed;

    /// <summary>
    /// Commits <paramref name="transaction"/> and wakes this process's relay. A wake-up in the process rather than a
    /// PostgreSQL NOTIFY: NOTIFY holds a database-wide lock from commit until the commit's WAL flush, which makes every
    /// writing transaction wait its turn (ADR 0002).
    /// </summary>
    public static async Task CommitAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        await transaction.CommitAsync(cancellationToken);
        Committed?.Invoke();
    }

    /// <returns>The message id consumers will see (and deduplicate on).</returns>
    public static async Task<Guid> EnqueueAsync<T>(NpgsqlTransaction transaction, T message, CancellationToken cancellationToken = default) where T : class
    {
        var messageId = Guid.CreateVersion7();
        await transaction.ExecuteBatchAsync(cancellationToken, Row(message, messageId));
        return messageId;
    }

    /// <summary>
    /// The outbox row of <paramref name="message"/>, as a command for a batch of the caller's in the same transaction:
    /// then storing the event costs no round trip of its own.
    /// </summary>
    public static NpgsqlBatchCommand Row(object message) => Row(message, Guid.CreateVersion7());

    private static NpgsqlBatchCommand Row(object message, Guid messageId)
    {
        // The runtime type: an event passed as object must still go out as what it is.
        var type = message.GetType();
        return new("INSERT INTO outbox (message_id, message_type, body, trace_parent) VALUES (@messageId, @type, @body::jsonb, @traceParent)")
        {
            Parameters =
            {
                new NpgsqlParameter<Guid>("messageId", messageId),
                new NpgsqlParameter<string>("type", TypeName(type)),
                new NpgsqlParameter<string>("body", JsonSerializer.Serialize(message, type, Json)),
                new NpgsqlParameter<string?>("traceParent", Activity.Current?.Id),
            },
        };
    }

    // Without the assembly version, so rows written before an upgrade still resolve after it.
    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
