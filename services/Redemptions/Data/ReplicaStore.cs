using System.Data.Common;
using Dapper;
using Kaikukortti.Redemptions.Domain;
using Kaikukortti.ServiceDefaults.Data;
using Npgsql;

namespace Kaikukortti.Redemptions.Data;

/// <summary>Reads of the card, venue and offering replicas, and the writes that keep them from events.</summary>
public static class ReplicaStore
{
    /// <summary>
    /// The card, venue and offering a use names, in one round trip with <paramref name="first"/> (the claim of the
    /// request's key), which runs before them.
    /// </summary>
    public static async Task<(CardReplica? Card, VenueReplica? Venue, OfferingReplica? Offering)> FindAsync(
        NpgsqlTransaction transaction, NpgsqlBatchCommand first, string cardNumber, Guid venueId, Guid? offeringId, CancellationToken cancellationToken)
    {
        await using var batch = transaction.Batch(
            first,
            new("SELECT id, card_number AS number, kind, area_code, distributor_id, issued_on, valid_until, children, group_size, closed_at FROM cards WHERE card_number = @cardNumber")
            {
                Parameters = { new NpgsqlParameter<string>("cardNumber", cardNumber) },
            },
            new("SELECT id, area_code, category, accepts_other_areas, active FROM venues WHERE id = @venueId")
            {
                Parameters = { new NpgsqlParameter<Guid>("venueId", venueId) },
            },
            new("SELECT id, venue_id, kind, quota_tickets, quota_per FROM offerings WHERE id = @offeringId")
            {
                Parameters = { new NpgsqlParameter<Guid?>("offeringId", offeringId) },
            });
        // The reader skips the results of commands that return no rows, such as the claim: the first result is the card's.
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var card = (await ReadOneAsync<CardRow>(reader, cancellationToken))?.ToReplica();
        await reader.NextResultAsync(cancellationToken);
        var venue = (await ReadOneAsync<VenueRow>(reader, cancellationToken))?.ToReplica();
        await reader.NextResultAsync(cancellationToken);
        var offering = (await ReadOneAsync<OfferingRow>(reader, cancellationToken))?.ToReplica();
        return (card, venue, offering);
    }

    private static async Task<T?> ReadOneAsync<T>(DbDataReader reader, CancellationToken cancellationToken) where T : class =>
        await reader.ReadAsync(cancellationToken) ? reader.GetRowParser<T>()(reader) : null;

    public static async Task<VenueReplica?> FindVenueAsync(NpgsqlConnection connection, Guid venueId, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<VenueRow>(new CommandDefinition(
            "SELECT id, area_code, category, accepts_other_areas, active FROM venues WHERE id = @venueId", new { venueId }, cancellationToken: cancellationToken)))?.ToReplica();

    private sealed class CardRow
    {
        public Guid Id { get; init; }
        public string Number { get; init; } = "";
        public string Kind { get; init; } = "";
        public string AreaCode { get; init; } = "";
        public Guid DistributorId { get; init; }
        public DateTime? IssuedOn { get; init; }
        public DateTime? ValidUntil { get; init; }
        public int Children { get; init; }
        public int? GroupSize { get; init; }
        public DateTime? ClosedAt { get; init; }

        public CardReplica ToReplica() => new(Id, Number, Kind, AreaCode, DistributorId,
            IssuedOn is { } issued ? DateOnly.FromDateTime(issued) : null, ValidUntil is { } until ? DateOnly.FromDateTime(until) : null,
            Children, GroupSize, ClosedAt is { } closed ? new DateTimeOffset(closed, TimeSpan.Zero) : null);
    }

    private sealed class VenueRow
    {
        public Guid Id { get; init; }
        public string AreaCode { get; init; } = "";
        public string Category { get; init; } = "";
        public bool AcceptsOtherAreas { get; init; }
        public bool Active { get; init; }

        public VenueReplica ToReplica() => new(Id, AreaCode, Category, AcceptsOtherAreas, Active);
    }

    private sealed class OfferingRow
    {
        public Guid Id { get; init; }
        public Guid VenueId { get; init; }
        public string Kind { get; init; } = "";
        public int? QuotaTickets { get; init; }
        public string? QuotaPer { get; init; }

        public OfferingReplica ToReplica() => new(Id, VenueId, Kind, QuotaTickets, QuotaPer);
    }
}
