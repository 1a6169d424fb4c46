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
    /// <returns>Null when the key is now claimed by this transaction; otherwise how it was answered before.</returns>
    public static async Task<KeyRecord?> ClaimAsync(
        NpgsqlTransaction transaction, string clientId, string key, string requestHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var claimed = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO idempotency_keys (client_id, key, request_hash, created_at) VALUES (@clientId, @key, @requestHash, @now) ON CONFLICT DO NOTHING
            """, new { clientId, key, requestHash, now }, transaction, cancellationToken: cancellationToken)) == 1;
        return claimed ? null : await connection.QuerySingleAsync<KeyRecord>(new CommandDefinition(
            "SELECT request_hash, use_id, refusal_code, refusal_args FROM idempotency_keys WHERE client_id = @clientId AND key = @key",
            new { clientId, key }, transaction, cancellationToken: cancellationToken));
    }

    public static Task AnswerAsync(NpgsqlTransaction transaction, string clientId, string key, Guid? useId, string? refusalCode, string[]? refusalArgs,
        CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE idempotency_keys SET use_id = @useId, refusal_code = @refusalCode, refusal_args = @refusalArgs WHERE client_id = @clientId AND key = @key
            """, new { clientId, key, useId, refusalCode, refusalArgs }, transaction, cancellationToken: cancellationToken));
}
