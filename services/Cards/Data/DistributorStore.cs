using Dapper;
using Kaikukortti.Cards.Domain;
using Npgsql;

namespace Kaikukortti.Cards.Data;

public static class DistributorStore
{
    private const string Columns = "id, area_code, name, unit_type, active, registered_at, changed_at";

    public static async Task<bool> AreaExistsAsync(NpgsqlConnection connection, string areaCode, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM areas WHERE code = @areaCode)", new { areaCode }, cancellationToken: cancellationToken));

    /// <returns>False when the area already has a unit of that name.</returns>
    public static async Task<bool> InsertAsync(NpgsqlTransaction transaction, Distributor distributor, CancellationToken cancellationToken) =>
        await transaction.Connection!.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO distributors ({Columns}) VALUES (@Id, @AreaCode, @Name, @UnitType, @Active, @RegisteredAt, @ChangedAt)
            ON CONFLICT DO NOTHING
            """, distributor, transaction, cancellationToken: cancellationToken)) == 1;

    public static Task UpdateAsync(NpgsqlTransaction transaction, Distributor distributor, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            "UPDATE distributors SET name = @Name, unit_type = @UnitType, active = @Active, changed_at = @ChangedAt WHERE id = @Id",
            distributor, transaction, cancellationToken: cancellationToken));

    /// <summary>The distributor, locked for the rest of <paramref name="transaction"/> when one is given.</summary>
    public static async Task<Distributor?> FindAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<DistributorRow>(new CommandDefinition(
            $"SELECT {Columns} FROM distributors WHERE id = @id {(transaction is null ? "" : "FOR UPDATE")}", new { id }, transaction, cancellationToken: cancellationToken));
        return row?.ToDistributor();
    }

    public static async Task<IReadOnlyList<Distributor>> ListAsync(NpgsqlConnection connection, string? areaCode, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<DistributorRow>(new CommandDefinition(
            $"SELECT {Columns} FROM distributors WHERE @areaCode::text IS NULL OR area_code = @areaCode ORDER BY area_code, lower(name), id",
            new { areaCode }, cancellationToken: cancellationToken))).Select(r => r.ToDistributor())];

    private sealed class DistributorRow
    {
        public Guid Id { get; init; }
        public string AreaCode { get; init; } = "";
        public string Name { get; init; } = "";
        public string UnitType { get; init; } = "";
        public bool Active { get; init; }
        public DateTime RegisteredAt { get; init; }
        public DateTime ChangedAt { get; init; }

        public Distributor ToDistributor() =>
            new(Id, AreaCode, Name, UnitType, Active, new DateTimeOffset(RegisteredAt, TimeSpan.Zero), new DateTimeOffset(ChangedAt, TimeSpan.Zero));
    }
}
