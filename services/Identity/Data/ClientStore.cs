using Dapper;
using Kaikukortti.Identity.Domain;
using Kaikukortti.ServiceDefaults.Auth;
using Npgsql;

namespace Kaikukortti.Identity.Data;

/// <summary>A stored site client; the secret exists only as its salted hash.</summary>
public sealed record ClientRecord(SiteClient Client, string Name, string SecretHash, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public static class ClientStore
{
    private const string Columns = "client_id, secret_hash, name, role, area_code, distributor_id, venue_ids, created_by, created_at, revoked_at";

    public static async Task InsertAsync(NpgsqlDataSource dataSource, ClientRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO clients ({Columns})
            VALUES (@ClientId, @SecretHash, @Name, @Role, @AreaCode, @DistributorId, @VenueIds, @CreatedBy, @CreatedAt, NULL)
            """,
            new
            {
                record.Client.ClientId, record.SecretHash, record.Name, record.Client.Role, record.Client.AreaCode, record.Client.DistributorId,
                VenueIds = record.Client.VenueIds.ToArray(), record.CreatedBy, record.CreatedAt,
            }, cancellationToken: cancellationToken));
    }

    public static async Task<ClientRecord?> FindAsync(NpgsqlDataSource dataSource, string clientId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ClientRow>(new CommandDefinition(
            $"SELECT {Columns} FROM clients WHERE client_id = @clientId", new { clientId }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    /// <summary>Every client, or those of one area; newest first.</summary>
    public static async Task<IReadOnlyList<ClientRecord>> ListAsync(NpgsqlDataSource dataSource, string? areaCode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ClientRow>(new CommandDefinition(
            $"SELECT {Columns} FROM clients WHERE @areaCode::text IS NULL OR area_code = @areaCode ORDER BY created_at DESC, client_id",
            new { areaCode }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>Revokes the client unless it already is; the first revocation time is kept.</summary>
    public static async Task RevokeAsync(NpgsqlDataSource dataSource, string clientId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE clients SET revoked_at = @now WHERE client_id = @clientId AND revoked_at IS NULL", new { clientId, now }, cancellationToken: cancellationToken));
    }

    public static async Task<IReadOnlyList<string>> RevokedSinceAsync(NpgsqlDataSource dataSource, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT client_id FROM clients WHERE revoked_at > @since ORDER BY client_id", new { since }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Creates the bootstrap national admin, or gives it the configured secret; a revoked one stays revoked.</summary>
    public static async Task<bool> EnsureBootstrapAdminAsync(NpgsqlDataSource dataSource, string clientId, Func<string?, string?> hashIfChanged, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(dataSource, clientId, cancellationToken);
        if (hashIfChanged(existing?.SecretHash) is not { } hash) return false;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO clients ({Columns}) VALUES (@clientId, @hash, 'Kaikukortti national admin', @role, NULL, NULL, ARRAY[]::uuid[], 'bootstrap', @now, NULL)
            ON CONFLICT (client_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash
            """, new { clientId, hash, role = Roles.NationalAdmin, now }, cancellationToken: cancellationToken));
        return true;
    }

    /// <summary>The facts about the requested scope that the registration rules need.</summary>
    public static async Task<IScopeFacts> ScopeFactsAsync(NpgsqlDataSource dataSource, string? areaCode, Guid? distributorId, IReadOnlyList<Guid> venueIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition("""
            SELECT code FROM areas WHERE code = @areaCode;
            SELECT distributor_id AS Id, area_code AS Area FROM distributors WHERE distributor_id = @distributorId;
            SELECT venue_id AS Id, area_code AS Area FROM venues WHERE venue_id = ANY(@venueIds);
            """, new { areaCode = areaCode?.Trim().ToLowerInvariant(), distributorId, venueIds = venueIds.ToArray() }, cancellationToken: cancellationToken));
        var areas = (await results.ReadAsync<string>()).ToHashSet();
        var distributors = (await results.ReadAsync<(Guid Id, string Area)>()).ToDictionary(d => d.Id, d => d.Area);
        var venues = (await results.ReadAsync<(Guid Id, string Area)>()).ToDictionary(v => v.Id, v => v.Area);
        return new ScopeFacts(areas, distributors, venues);
    }

    private sealed record ScopeFacts(HashSet<string> Areas, Dictionary<Guid, string> Distributors, Dictionary<Guid, string> Venues) : IScopeFacts
    {
        public bool AreaExists(string areaCode) => Areas.Contains(areaCode);
        public string? AreaOfVenue(Guid venueId) => Venues.GetValueOrDefault(venueId);
        public string? AreaOfDistributor(Guid distributorId) => Distributors.GetValueOrDefault(distributorId);
    }

    private sealed class ClientRow
    {
        public string ClientId { get; init; } = "";
        public string SecretHash { get; init; } = "";
        public string Name { get; init; } = "";
        public string Role { get; init; } = "";
        public string? AreaCode { get; init; }
        public Guid? DistributorId { get; init; }
        public Guid[] VenueIds { get; init; } = [];
        public string CreatedBy { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public DateTime? RevokedAt { get; init; }

        public ClientRecord ToRecord() => new(
            new SiteClient(ClientId, Role, AreaCode, DistributorId, VenueIds), Name, SecretHash, CreatedBy,
            new DateTimeOffset(CreatedAt, TimeSpan.Zero), RevokedAt is { } revoked ? new DateTimeOffset(revoked, TimeSpan.Zero) : null);
    }
}
