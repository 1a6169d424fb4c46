using Dapper;
using Kaikukortti.Contracts;

namespace Kaikukortti.Statistics.Tests;

/// <summary>The statistics database holds no personal data: no column for it, and no card number anywhere in what it stored.</summary>
public sealed class NoPersonalDataTests(StatisticsService service) : IClassFixture<StatisticsService>
{
    private static readonly string[] PersonalColumns =
        ["birth", "postal", "postcode", "zip", "card_number", "cardnumber", "gender", "age_band", "age_group", "life_situation", "address", "identity_code", "ssn"];

    [Fact]
    public async Task After_a_realistic_flow_no_table_holds_personal_data_or_card_numbers()
    {
        var area = await service.NewAreaAsync("Rovaniemi");
        var venue = Events.Venue(area, "culture", new LocalizedName { Fi = "Arktikum", Sv = "Arktikum", En = "Arktikum" });
        var (kept, renewed, lost) = (Events.Card(area, "2025-03-20"), Events.Card(area, "2026-01-10"), Events.Card(area, "2026-02-01"));
        var replacement = Events.Card(area, "2026-03-01", replaces: lost);
        var cancelled = Events.Use(renewed, venue, "2026-03-02T10:00:00Z", adults: 1, children: 2);
        await service.ApplyAsync(Events.Distributor(area), venue, kept, renewed, lost);
        await service.ApplyAsync(
            Events.Renewed(kept, "2026-03-10"), Events.Closed(lost, "lost", replacedBy: replacement), replacement,
            Events.Use(kept, venue, "2026-03-01T10:00:00Z", adults: 1, children: 1, assistants: 1), cancelled,
            Events.Use(replacement, venue, "2026-03-05T10:00:00Z"));
        await service.ApplyAsync(Events.Cancelled(cancelled));

        await using var connection = await service.Factory.OpenDatabaseAsync();
        var columns = (await connection.QueryAsync<(string Table, string Column, string Type)>("""
            SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2
            """)).ToList();
        columns.ShouldContain(c => c.Table == "cards", "the projections are in the public schema");
        columns.Where(c => PersonalColumns.Any(p => c.Column.Contains(p, StringComparison.OrdinalIgnoreCase)))
            .Select(c => $"{c.Table}.{c.Column}").ShouldBeEmpty();

        var cardNumbers = new[] { kept, renewed, lost, replacement }.Select(c => $"%{c.CardNumber}%").ToArray();
        var textual = columns.Where(c => c.Type is "text" or "character varying" or "character" or "json" or "jsonb" or "ARRAY").ToList();
        textual.ShouldNotBeEmpty();
        foreach (var (table, column, _) in textual)
        {
            var found = await connection.ExecuteScalarAsync<long>($"""SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE ANY(@cardNumbers)""", new { cardNumbers });
            found.ShouldBe(0, $"{table}.{column} holds a card number");
        }
    }
}
