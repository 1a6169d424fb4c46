using Dapper;
using Kaikukortti.Venues.Domain;
using Npgsql;

namespace Kaikukortti.Venues.Data;

public static class AreaStore
{
    private const string Columns = "code, name_fi, name_sv, name_en, municipalities, welfare_region, registered_at";

    /// <returns>false when an area with the same code already exists.</returns>
    public static async Task<bool> InsertAsync(NpgsqlTransaction transaction, Area area, CancellationToken cancellationToken) =>
        await transaction.Connection!.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO areas ({Columns})
            VALUES (@Code, @Fi, @Sv, @En, @Municipalities, @WelfareRegion, @RegisteredAt)
            ON CONFLICT (code) DO NOTHING
            """,
            new { area.Code, area.Name.Fi, area.Name.Sv, area.Name.En, Municipalities = area.Municipalities.ToArray(), area.WelfareRegion, area.RegisteredAt },
            transaction, cancellationToken: cancellationToken)) == 1;

    public static async Task<IReadOnlyList<Area>> ListAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AreaRow>(new CommandDefinition($"SELECT {Columns} FROM areas ORDER BY code", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToArea()).ToList();
    }

    public static async Task<Area?> FindAsync(NpgsqlDataSource dataSource, string code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AreaRow>(new CommandDefinition(
            $"SELECT {Columns} FROM areas WHERE code = @code", new { code }, cancellationToken: cancellationToken));
        return row?.ToArea();
    }

    private sealed class AreaRow
    {
        public string Code { get; init; } = "";
        public string NameFi { get; init; } = "";
        public string? NameSv { get; init; }
        public string? NameEn { get; init; }
        public string[] Municipalities { get; init; } = [];
        public string? WelfareRegion { get; init; }
        public DateTime RegisteredAt { get; init; }

        public Area ToArea() => new(Code, new LocalizedName(NameFi, NameSv, NameEn), Municipalities, WelfareRegion, new DateTimeOffset(RegisteredAt, TimeSpan.Zero));
    }
}
