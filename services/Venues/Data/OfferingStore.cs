using Dapper;
using Kaikukortti.Venues.Domain;
using Npgsql;

namespace Kaikukortti.Venues.Data;

public static class OfferingStore
{
    private const string Columns = "id, venue_id, title, kind, quota_tickets, quota_per, starts_at, ends_at, published_at, changed_at";

    public static Task InsertAsync(NpgsqlTransaction transaction, Offering offering, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO offerings ({Columns})
            VALUES (@Id, @VenueId, @Title, @Kind, @QuotaTickets, @QuotaPer, @StartsAt, @EndsAt, @PublishedAt, @ChangedAt)
            """, Parameters(offering), transaction, cancellationToken: cancellationToken));

    public static Task UpdateAsync(NpgsqlTransaction transaction, Offering offering, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE offerings SET title = @Title, kind = @Kind, quota_tickets = @QuotaTickets, quota_per = @QuotaPer,
                starts_at = @StartsAt, ends_at = @EndsAt, changed_at = @ChangedAt
            WHERE id = @Id
            """, Parameters(offering), transaction, cancellationToken: cancellationToken));

    /// <summary>The venue's offering, locked for the rest of <paramref name="transaction"/>.</summary>
    public static async Task<Offering?> FindForUpdateAsync(NpgsqlTransaction transaction, Guid venueId, Guid id, CancellationToken cancellationToken)
    {
        var row = await transaction.Connection!.QuerySingleOrDefaultAsync<OfferingRow>(new CommandDefinition(
            $"SELECT {Columns} FROM offerings WHERE id = @id AND venue_id = @venueId FOR UPDATE", new { id, venueId }, transaction, cancellationToken: cancellationToken));
        return row?.ToOffering();
    }

    public static async Task<IReadOnlyList<Offering>> ListAsync(NpgsqlConnection connection, Guid venueId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<OfferingRow>(new CommandDefinition(
            $"SELECT {Columns} FROM offerings WHERE venue_id = @venueId ORDER BY starts_at NULLS FIRST, lower(title), id", new { venueId }, cancellationToken: cancellationToken)))
        .Select(r => r.ToOffering()).ToList();

    private static object Parameters(Offering offering) => new
    {
        offering.Id, offering.VenueId, offering.Details.Title, offering.Details.Kind, QuotaTickets = offering.Details.Quota?.Tickets,
        QuotaPer = offering.Details.Quota?.Per, offering.Details.StartsAt, offering.Details.EndsAt, offering.PublishedAt, offering.ChangedAt,
    };

    private sealed class OfferingRow
    {
        public Guid Id { get; init; }
        public Guid VenueId { get; init; }
        public string Title { get; init; } = "";
        public string Kind { get; init; } = "";
        public int? QuotaTickets { get; init; }
        public string? QuotaPer { get; init; }
        public DateTime? StartsAt { get; init; }
        public DateTime? EndsAt { get; init; }
        public DateTime PublishedAt { get; init; }
        public DateTime ChangedAt { get; init; }

        public Offering ToOffering() => new(Id, VenueId,
            new OfferingDetails(Title, Kind, QuotaTickets is { } tickets ? new Quota(tickets, QuotaPer!) : null, Utc(StartsAt), Utc(EndsAt)),
            new DateTimeOffset(PublishedAt, TimeSpan.Zero), new DateTimeOffset(ChangedAt, TimeSpan.Zero));

        private static DateTimeOffset? Utc(DateTime? time) => time is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null;
    }
}
