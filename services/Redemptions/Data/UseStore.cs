using Dapper;
using Kaikukortti.Redemptions.Domain;
using Kaikukortti.ServiceDefaults;
using Npgsql;

namespace Kaikukortti.Redemptions.Data;

public sealed record UsePage(IReadOnlyList<Use> Items, int Total);

public static class UseStore
{
    private const string Columns = """
        id, client_id, card_id, card_number, card_kind, card_area, distributor_id, venue_id, venue_area, category, offering_id, offering_kind,
        quota_period, adults, children, assistants, occurred_at, recorded_at, cancelled_at
        """;

    /// <summary>
    /// Takes <paramref name="tickets"/> from the quota of <paramref name="offering"/> in <paramref name="period"/> if that
    /// many are left. The row update is atomic, so concurrent requests can never take more than the quota between them.
    /// </summary>
    public static async Task<bool> TakeQuotaAsync(NpgsqlTransaction transaction, OfferingReplica offering, string period, int tickets, CancellationToken cancellationToken) =>
        await transaction.Connection!.ExecuteScalarAsync<int?>(new CommandDefinition("""
            INSERT INTO quota_usage (offering_id, period, used) SELECT @Id, @period, @tickets WHERE @tickets <= @QuotaTickets
            ON CONFLICT (offering_id, period) DO UPDATE SET used = quota_usage.used + EXCLUDED.used
                WHERE quota_usage.used + EXCLUDED.used <= @QuotaTickets
            RETURNING used
            """, new { offering.Id, offering.QuotaTickets, period, tickets }, transaction, cancellationToken: cancellationToken)) is not null;

    public static Task ReturnQuotaAsync(NpgsqlTransaction transaction, Guid offeringId, string period, int tickets, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            "UPDATE quota_usage SET used = used - @tickets WHERE offering_id = @offeringId AND period = @period",
            new { offeringId, period, tickets }, transaction, cancellationToken: cancellationToken));

    /// <summary>The use's row, as a command for the batch that also stores its event and the key's answer.</summary>
    public static NpgsqlBatchCommand Insert(Use use) => new($"""
        INSERT INTO uses ({Columns})
        VALUES (@id, @clientId, @cardId, @cardNumber, @cardKind, @cardArea, @distributorId, @venueId, @venueArea, @category, @offeringId, @offeringKind,
                @quotaPeriod, @adults, @children, @assistants, @occurredAt, @recordedAt, @cancelledAt)
        """)
    {
        Parameters =
        {
            new NpgsqlParameter<Guid>("id", use.Id), new NpgsqlParameter<string>("clientId", use.ClientId), new NpgsqlParameter<Guid>("cardId", use.Card.Id),
            new NpgsqlParameter<string>("cardNumber", use.Card.Number), new NpgsqlParameter<string>("cardKind", use.Card.Kind),
            new NpgsqlParameter<string>("cardArea", use.Card.AreaCode), new NpgsqlParameter<Guid>("distributorId", use.Card.DistributorId),
            new NpgsqlParameter<Guid>("venueId", use.Venue.Id), new NpgsqlParameter<string>("venueArea", use.Venue.AreaCode),
            new NpgsqlParameter<string>("category", use.Venue.Category), new NpgsqlParameter<Guid?>("offeringId", use.Offering?.Id),
            new NpgsqlParameter<string?>("offeringKind", use.Offering?.Kind), new NpgsqlParameter<string?>("quotaPeriod", use.QuotaPeriod),
            new NpgsqlParameter<int>("adults", use.Adults), new NpgsqlParameter<int>("children", use.Children), new NpgsqlParameter<int>("assistants", use.Assistants),
            new NpgsqlParameter<DateTimeOffset>("occurredAt", use.OccurredAt.ToUniversalTime()), new NpgsqlParameter<DateTimeOffset>("recordedAt", use.RecordedAt),
            new NpgsqlParameter<DateTimeOffset?>("cancelledAt", use.CancelledAt),
        },
    };

    public static Task CancelAsync(NpgsqlTransaction transaction, Guid id, DateTimeOffset cancelledAt, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            "UPDATE uses SET cancelled_at = @cancelledAt WHERE id = @id", new { id, cancelledAt }, transaction, cancellationToken: cancellationToken));

    /// <summary>The use, locked for the rest of <paramref name="transaction"/> when one is given.</summary>
    public static async Task<Use?> FindAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null) =>
        (await connection.QuerySingleOrDefaultAsync<UseRow>(new CommandDefinition(
            $"SELECT {Columns} FROM uses WHERE id = @id {(transaction is null ? "" : "FOR UPDATE")}", new { id }, transaction, cancellationToken: cancellationToken)))?.ToUse();

    /// <summary>A venue's uses that occurred in [from, to), newest first.</summary>
    public static async Task<UsePage> ListAsync(
        NpgsqlConnection connection, Guid venueId, DateTimeOffset? from, DateTimeOffset? to, Paging paging, CancellationToken cancellationToken)
    {
        const string where = """
            WHERE venue_id = @venueId AND (@from::timestamptz IS NULL OR occurred_at >= @from) AND (@to::timestamptz IS NULL OR occurred_at < @to)
            """;
        using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            SELECT {Columns} FROM uses {where} ORDER BY occurred_at DESC, id OFFSET @Offset LIMIT @PageSize;
            SELECT count(*)::int FROM uses {where};
            """, new { venueId, from = from?.ToUniversalTime(), to = to?.ToUniversalTime(), paging.Offset, paging.PageSize }, cancellationToken: cancellationToken));
        var items = (await results.ReadAsync<UseRow>()).Select(r => r.ToUse()).ToList();
        return new UsePage(items, await results.ReadSingleAsync<int>());
    }

    public static Task<Api.UseTotals> TotalsAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<Api.UseTotals>(new CommandDefinition("""
            SELECT coalesce(sum(adults + children), 0)::int AS uses, coalesce(sum(adults), 0)::int AS adult_uses, coalesce(sum(children), 0)::int AS child_uses,
                   coalesce(sum(assistants), 0)::int AS assistants, count(DISTINCT card_id)::int AS cards_taken_into_use
            FROM uses WHERE cancelled_at IS NULL
            """, cancellationToken: cancellationToken));

    private sealed class UseRow
    {
        public Guid Id { get; init; }
        public string ClientId { get; init; } = "";
        public Guid CardId { get; init; }
        public string CardNumber { get; init; } = "";
        public string CardKind { get; init; } = "";
        public string CardArea { get; init; } = "";
        public Guid DistributorId { get; init; }
        public Guid VenueId { get; init; }
        public string VenueArea { get; init; } = "";
        public string Category { get; init; } = "";
        public Guid? OfferingId { get; init; }
        public string? OfferingKind { get; init; }
        public string? QuotaPeriod { get; init; }
        public int Adults { get; init; }
        public int Children { get; init; }
        public int Assistants { get; init; }
        public DateTime OccurredAt { get; init; }
        public DateTime RecordedAt { get; init; }
        public DateTime? CancelledAt { get; init; }

        // The card, venue and offering as they were when the use was recorded: what its events must repeat.
        public Use ToUse() => new(
            Id, ClientId, new CardReplica(CardId, CardNumber, CardKind, CardArea, DistributorId, null, null, 0, null, null),
            new VenueReplica(VenueId, VenueArea, Category, true, true),
            OfferingId is { } offeringId ? new OfferingReplica(offeringId, VenueId, OfferingKind!, null, null) : null,
            QuotaPeriod, Adults, Children, Assistants, Utc(OccurredAt), Utc(RecordedAt), CancelledAt is { } cancelled ? Utc(cancelled) : null);

        private static DateTimeOffset Utc(DateTime time) => new(time, TimeSpan.Zero);
    }
}
