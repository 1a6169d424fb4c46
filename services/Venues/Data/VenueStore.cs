using Dapper;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.Venues.Domain;
using Npgsql;

namespace Kaikukortti.Venues.Data;

/// <summary>A page of the catalogue and how many venues match in all.</summary>
public sealed record VenuePage(IReadOnlyList<Venue> Items, int Total);

/// <summary>What the catalogue is filtered by; null means "any".</summary>
public sealed record VenueFilter(string? AreaCode, string? Category, string? Query, string? Municipality, bool IncludeInactive);

public static class VenueStore
{
    private const string Columns = """
        id, area_code, name_fi, name_sv, name_en, category, municipality, address, accessibility,
        accepts_other_areas, contact_email, active, registered_at, changed_at
        """;

    public static Task InsertAsync(NpgsqlTransaction transaction, Venue venue, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO venues ({Columns}, search_text)
            VALUES (@Id, @AreaCode, @NameFi, @NameSv, @NameEn, @Category, @Municipality, @Address, @Accessibility,
                    @AcceptsOtherAreas, @ContactEmail, @Active, @RegisteredAt, @ChangedAt, @SearchText)
            """, Parameters(venue), transaction, cancellationToken: cancellationToken));

    public static Task UpdateAsync(NpgsqlTransaction transaction, Venue venue, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE venues SET name_fi = @NameFi, name_sv = @NameSv, name_en = @NameEn, category = @Category, municipality = @Municipality,
                address = @Address, accessibility = @Accessibility, accepts_other_areas = @AcceptsOtherAreas, contact_email = @ContactEmail,
                active = @Active, changed_at = @ChangedAt, search_text = @SearchText
            WHERE id = @Id
            """, Parameters(venue), transaction, cancellationToken: cancellationToken));

    /// <summary>The venue, locked for the rest of <paramref name="transaction"/> when one is given, so concurrent changes apply one after another.</summary>
    public static async Task<Venue?> FindAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<VenueRow>(new CommandDefinition(
            $"SELECT {Columns} FROM venues WHERE id = @id {(transaction is null ? "" : "FOR UPDATE")}", new { id }, transaction, cancellationToken: cancellationToken));
        return row?.ToVenue();
    }

    public static async Task<VenuePage> SearchAsync(NpgsqlDataSource dataSource, VenueFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new
        {
            filter.AreaCode,
            filter.Category,
            Query = filter.Query is { Length: > 0 } q ? $"%{EscapeLike(q)}%" : null,
            Municipality = filter.Municipality,
            filter.IncludeInactive,
            paging.Offset,
            Limit = paging.PageSize,
        };
        const string where = """
            WHERE (@AreaCode::text IS NULL OR area_code = @AreaCode)
              AND (@Category::text IS NULL OR category = @Category)
              AND (@Query::text IS NULL OR search_text LIKE @Query)
              AND (@Municipality::text IS NULL OR lower(municipality) = lower(@Municipality))
              AND (@IncludeInactive OR active)
            """;
        using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            SELECT {Columns} FROM venues {where} ORDER BY lower(name_fi), id OFFSET @Offset LIMIT @Limit;
            SELECT count(*)::int FROM venues {where};
            """, parameters, cancellationToken: cancellationToken));
        var items = (await results.ReadAsync<VenueRow>()).Select(r => r.ToVenue()).ToList();
        return new VenuePage(items, await results.ReadSingleAsync<int>());
    }

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    private static object Parameters(Venue venue) => new
    {
        venue.Id, venue.AreaCode, NameFi = venue.Details.Name.Fi, NameSv = venue.Details.Name.Sv, NameEn = venue.Details.Name.En,
        venue.Details.Category, venue.Details.Municipality, venue.Details.Address, venue.Details.Accessibility,
        venue.Details.AcceptsOtherAreas, venue.Details.ContactEmail, venue.Active, venue.RegisteredAt, venue.ChangedAt, venue.SearchText,
    };

    private sealed class VenueRow
    {
        public Guid Id { get; init; }
        public string AreaCode { get; init; } = "";
        public string NameFi { get; init; } = "";
        public string? NameSv { get; init; }
        public string? NameEn { get; init; }
        public string Category { get; init; } = "";
        public string Municipality { get; init; } = "";
        public string? Address { get; init; }
        public string? Accessibility { get; init; }
        public bool AcceptsOtherAreas { get; init; }
        public string? ContactEmail { get; init; }
        public bool Active { get; init; }
        public DateTime RegisteredAt { get; init; }
        public DateTime ChangedAt { get; init; }

        public Venue ToVenue() => new(Id, AreaCode,
            new VenueDetails(new LocalizedName(NameFi, NameSv, NameEn), Category, Municipality, Address, Accessibility, AcceptsOtherAreas, ContactEmail),
            Active, new DateTimeOffset(RegisteredAt, TimeSpan.Zero), new DateTimeOffset(ChangedAt, TimeSpan.Zero));
    }
}
