using Dapper;
using Kaikukortti.ServiceDefaults.Data;
using Kaikukortti.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static Kaikukortti.Statistics.Tests.Figures;

namespace Kaikukortti.Statistics.Tests;

/// <summary>
/// The rollups every figure short of single venues reads (ADR 0007) are use_totals regrouped, whatever order the use
/// events come in and however often: kept so by the projection, and made so by the migration that added them.
/// </summary>
public sealed class RollupTests : IClassFixture<StatisticsService>
{
    /// <summary>Each rollup's key columns, and the same keys as use_totals has them.</summary>
    private static readonly (string Table, string Keys, string KeysInTotals)[] Rollups =
    [
        ("use_area_months", "month, venue_area, category", "month, venue_area, category"),
        ("use_flow_months", "month, venue_area, home_area", "month, venue_area, home_area"),
        ("use_flow_years", "year, venue_area, home_area", "extract(year FROM month)::int, venue_area, home_area"),
    ];

    private readonly StatisticsService service;
    private readonly PostgresFixture postgres;

    public RollupTests(StatisticsService service, PostgresFixture postgres)
    {
        this.service = service;
        this.postgres = postgres;
        service.Clock.Now = StatisticsService.Noon;
    }

    [Fact]
    public async Task Every_rollup_is_use_totals_regrouped_after_uses_recorded_cancelled_reordered_and_redelivered()
    {
        var areas = await service.NewAreasAsync(3);
        await UsesOfEveryKindAsync(areas);
        // A venue whose category changes within the month: each use counts under the category it had.
        var venue = Guid.NewGuid();
        await service.ApplyAsync(
            Events.Use(areas[0], areas[0], "2026-05-04T10:00:00Z", adults: 2, children: 1, assistants: 1, category: "culture", venueId: venue),
            Events.Use(areas[0], areas[0], "2026-05-20T10:00:00Z", adults: 1, children: 2, category: "sport", venueId: venue));

        await using var connection = await service.Factory.OpenDatabaseAsync();
        (await connection.QuerySingleAsync<(long, long, long)>(
            "SELECT sum(adult_uses), sum(child_uses), sum(assistants) FROM use_totals WHERE venue_area = ANY(@areas)", new { areas }))
            .ShouldBe((8L, 10L, 3L), "the uses not cancelled, each once");
        foreach (var (table, keys, keysInTotals) in Rollups)
        {
            (await LinesAsync(connection, $"""
                SELECT concat_ws(' ', {keys}, adult_uses, child_uses, assistants) FROM {table} WHERE venue_area = ANY(@areas)
                """, areas))
                .ShouldBe(await LinesAsync(connection, $"""
                    SELECT concat_ws(' ', {keysInTotals}, sum(adult_uses), sum(child_uses), sum(assistants)) FROM use_totals
                    WHERE venue_area = ANY(@areas) GROUP BY {keysInTotals}
                    """, areas), table);
        }
        var may = await service.JsonAsync(Path("uses", ("groupBy", "category"), ("area", areas[0]), ("from", "2026-05"), ("to", "2026-05")), Callers.NationalAdmin);
        (may.Row("culture").Count("uses"), may.Row("sport").Count("uses")).ShouldBe((3, 3));
        (await service.JsonAsync(Path("uses", ("groupBy", "venue"), ("area", areas[0]), ("from", "2026-05")), Callers.NationalAdmin))
            .Row(venue.ToString()).Count("uses").ShouldBe(6, "one venue, whatever its category");
    }

    [Fact]
    public async Task The_migration_fills_the_rollups_from_use_totals_as_the_projection_fills_them()
    {
        var areas = await service.NewAreasAsync(3);
        await UsesOfEveryKindAsync(areas);
        await using var projected = await service.Factory.OpenDatabaseAsync();

        // A database as it was before the rollups, holding the use_totals the projection made; then the migrations since.
        var migrations = Migration.FromAssembly(typeof(StatisticsModule).Assembly, "Kaikukortti.Statistics");
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        (await runner.ApplyAsync(migrations.TakeWhile(m => !m.Id.EndsWith("_use_rollups", StringComparison.Ordinal)))).ShouldNotBeEmpty();
        var totals = await projected.ExecuteScalarAsync<string>("SELECT json_agg(t)::text FROM use_totals t WHERE venue_area = ANY(@areas)", new { areas });
        await using var migrated = await dataSource.OpenConnectionAsync();
        await migrated.ExecuteAsync("INSERT INTO use_totals SELECT * FROM json_populate_recordset(null::use_totals, @totals::json)", new { totals });
        (await runner.ApplyAsync(migrations)).ShouldContain(id => id.EndsWith("_use_rollups", StringComparison.Ordinal));

        foreach (var (table, keys, _) in Rollups)
        {
            var rollup = $"SELECT concat_ws(' ', {keys}, adult_uses, child_uses, assistants) FROM {table} WHERE venue_area = ANY(@areas)";
            var fromProjection = await LinesAsync(projected, rollup, areas);
            fromProjection.ShouldNotBeEmpty(table);
            (await LinesAsync(migrated, rollup, areas)).ShouldBe(fromProjection, table);
        }
    }

    /// <summary>
    /// Uses at venues of <paramref name="areas"/> from cards of each: across months and the Helsinki new year, with children
    /// and assistants, cancelled after and before they arrive, redelivered and announced again. Counted: 5 adult uses,
    /// 7 child uses, 2 assistants.
    /// </summary>
    private async Task UsesOfEveryKindAsync(string[] areas)
    {
        var (a, b, c) = (areas[0], areas[1], areas[2]);
        var cancelledLater = Events.Use(a, b, "2025-06-10T10:00:00Z", adults: 1, children: 2, assistants: 1, category: "education");
        var cancelledFirst = Events.Use(b, c, "2026-03-05T10:00:00Z", adults: 3, assistants: 2);
        var redelivered = Events.Use(a, a, "2026-04-01T10:00:00Z", adults: 1, children: 1, assistants: 1, category: "sport");
        await service.ApplyAsync(
            Events.Use(a, a, "2026-03-02T10:00:00Z", adults: 2, children: 1, assistants: 1),
            Events.Use(b, a, "2026-03-20T10:00:00Z", adults: 1, children: 2),
            Events.Use(c, b, "2025-12-31T22:30:00Z", adults: 1, children: 3, category: "science"),     // January 2026 in Helsinki
            cancelledLater);
        await service.ApplyInOrderAsync(Events.Cancelled(cancelledFirst), cancelledFirst, Events.Cancelled(cancelledLater));
        var messageId = await service.PublishAsync(redelivered);
        await service.WaitUntilHandledAsync(messageId);
        await service.RedeliverAsync(redelivered, messageId);
        await service.ApplyAsync(redelivered);
    }

    private static async Task<string[]> LinesAsync(NpgsqlConnection connection, string sql, string[] areas) =>
        [.. (await connection.QueryAsync<string>(sql, new { areas })).Order(StringComparer.Ordinal)];
}
