using Dapper;
using Npgsql;

namespace Kaikukortti.Redemptions.Data;

/// <summary>How a client's Idempotency-Key was first answered: with a use, or with a refusal.</summary>
public sealed class KeyRecord
{
    public string RequestHash { get; init; } = "";
    public Guid? UseId { get; init; }
    public string? RefusalCode { get; init; }
    public string[]? RefusalArgs { get; init; }
}

/// <summary>
/// Each client's Idempotency-Keys. A key is claimed by inserting it in the request's own transaction: a concurrent
/// request with the same key waits on that row and then finds the answer; a crashed request leaves no claim behind.
/// </summary>
public static class IdempotencyStore
{
    /// <summary>
    /// Claims the key, as the first command of the request's first batch. Afterwards its <c>RecordsAffected</c> is 1 when
    /// this transaction now holds the key, and 0 when the key was answered before (<see cref="FindAsync"/> tells how).
    /// </summary>
    public static NpgsqlBatchCommand Claim(string clientId, string key, string requestHash, DateTimeOffset now) => new("""
        INSERT INTO idempotency_keys (client_id, key, request_hash, created_at) VALUES (@clientId, @key, @requestHash, @now) ON CONFLICT DO NOTHING
        """)
    {
        Parameters =
        {
            new NpgsqlParameter<string>("clientId", clientId), new NpgsqlParameter<string>("key", key),
            new NpgsqlParameter<string>("requestHash", requestHash), new NpgsqlParameter<DateTimeOffset>("now", now),
        },
    };

    public static Task<KeyRecord> FindAsync(NpgsqlTransaction transaction, string clientId, string key, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleAsync<KeyRecord>(new CommandDefinition(
            "SELECT request_hash, use_id, refusal_code, refusal_args FROM idempotency_keys WHERE client_id = @clientId AND key = @key",
            new { clientId, key }, transaction, cancellationToken: cancellationToken));

    /// <summary>The key's answer, to keep for the same request sent again: the use recorded, or the refusal.</summary>
    public static NpgsqlBatchCommand Answer(string clientId, string key, Guid? useId, string? refusalCode, string[]? refusalArgs) => new("""
        UPDATE idempotency_keys SET use_id = @useId, refusal_code = @refusalCode, refusal_args = @refusalArgs WHERE client_id = @clientId AND key = @key
        """)
    {
        Parameters =
        {
            new NpgsqlParameter<string>("clientId", clientId), new NpgsqlParameter<string>("key", key), new NpgsqlParameter<Guid?>("useId", useId),
            new NpgsqlParameter<string?>("refusalCode", refusalCode), new NpgsqlParameter<string[]?>("refusalArgs", refusalArgs),
        },
    };
}
