using Dapper;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Auth;
using Npgsql;

namespace Kaikukortti.Cards.Data;

/// <summary>What was done: the audit log's words, stable for whoever reads or exports it.</summary>
public static class AuditActions
{
    public const string DistributorRegistered = "distributor-registered";
    public const string DistributorActivated = "distributor-activated";
    public const string DistributorDeactivated = "distributor-deactivated";
    public const string CardIssued = "card-issued";
    public const string CardRead = "card-read";
    public const string CardsListed = "cards-listed";
    public const string CardRenewed = "card-renewed";
    public const string CardClosed = "card-closed";
    public const string CardReplaced = "card-replaced";
}

public sealed record AuditEntry(DateTimeOffset At, string ClientId, string Role, string Action, string AreaCode, Guid? DistributorId, string? CardNumber);

public sealed record AuditFilter(string? AreaCode, string? CardNumber, Guid? DistributorId, DateTimeOffset? From, DateTimeOffset? To);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int Total);

/// <summary>
/// Who read a full card record or changed anything, what and when. An entry is written in the transaction of the
/// change it records, so neither exists without the other.
/// </summary>
public static class AuditLog
{
    public static Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, SiteClient actor, string action, string areaCode, Guid? distributorId, string? cardNumber,
        DateTimeOffset at, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_log (at, client_id, role, action, area_code, distributor_id, card_number)
            VALUES (@at, @ClientId, @Role, @action, @areaCode, @distributorId, @cardNumber)
            """, new { at, actor.ClientId, actor.Role, action, areaCode, distributorId, cardNumber }, transaction, cancellationToken: cancellationToken));

    /// <summary>Newest first.</summary>
    public static async Task<AuditPage> ReadAsync(NpgsqlConnection connection, AuditFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        const string where = """
            WHERE (@AreaCode::text IS NULL OR area_code = @AreaCode)
              AND (@CardNumber::text IS NULL OR card_number = @CardNumber)
              AND (@DistributorId::uuid IS NULL OR distributor_id = @DistributorId)
              AND (@From::timestamptz IS NULL OR at >= @From)
              AND (@To::timestamptz IS NULL OR at < @To)
            """;
        var parameters = new DynamicParameters(filter);
        parameters.AddDynamicParams(new { paging.Offset, paging.PageSize });
        using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            SELECT at, client_id, role, action, area_code, distributor_id, card_number FROM audit_log {where} ORDER BY id DESC OFFSET @Offset LIMIT @PageSize;
            SELECT count(*)::int FROM audit_log {where};
            """, parameters, cancellationToken: cancellationToken));
        var items = (await results.ReadAsync<AuditRow>()).Select(r => r.ToEntry()).ToList();
        return new AuditPage(items, await results.ReadSingleAsync<int>());
    }

    private sealed class AuditRow
    {
        public DateTime At { get; init; }
        public string ClientId { get; init; } = "";
        public string Role { get; init; } = "";
        public string Action { get; init; } = "";
        public string AreaCode { get; init; } = "";
        public Guid? DistributorId { get; init; }
        public string? CardNumber { get; init; }

        public AuditEntry ToEntry() => new(new DateTimeOffset(At, TimeSpan.Zero), ClientId, Role, Action, AreaCode, DistributorId, CardNumber);
    }
}
