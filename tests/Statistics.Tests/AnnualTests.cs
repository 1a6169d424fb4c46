using System.Text.Json;
using static Kaikukortti.Statistics.Tests.Figures;

namespace Kaikukortti.Statistics.Tests;

/// <summary>
/// The national table (DESIGN §1): per year cards registered, cards taken into use, adult and child uses by category,
/// total uses and municipalities; newest year first.
/// </summary>
public sealed class AnnualTests(StatisticsService service) : IClassFixture<StatisticsService>
{
    [Fact]
    public async Task The_table_has_a_row_per_year_newest_first_with_every_column()
    {
        var area = await service.NewAreaAsync("Seinäjoki", "Lapua", "Kauhava");
        var other = await service.NewAreaAsync();
        var (card2025, card2026, visitor) = (Events.Card(area, "2025-04-01"), Events.Card(area, "2026-01-05"), Guid.NewGuid());
        await service.ApplyAsync(
            Events.Card(area, "2024-09-01"),
            card2025, Events.Card(area, "2025-08-01"),
            card2026, Events.Card(area, "2026-02-01"), Events.Card(area, "2026-02-02"),
            Events.Card(area, "2026-03-01", replaces: card2025),
            Events.Card(other, "2026-02-01"));
        await service.ApplyAsync(
            Events.Use(area, area, "2025-05-01T10:00:00Z", adults: 1, children: 2, category: "culture", cardId: card2025.CardId),
            Events.Use(area, area, "2025-06-01T10:00:00Z", adults: 1, children: 0, assistants: 1, category: "sport", cardId: card2025.CardId),
            Events.Use(area, area, "2026-01-10T10:00:00Z", adults: 1, children: 1, category: "education", cardId: card2026.CardId),
            Events.Use(area, area, "2026-01-11T10:00:00Z", adults: 2, children: 3, category: "science", cardId: card2025.CardId),
            Events.Use(area, area, "2026-01-12T10:00:00Z", adults: 1, children: 0, category: "science", cardId: card2026.CardId),
            // Someone from another area visiting: a use here, but a card taken into use there.
            Events.Use(other, area, "2026-02-01T10:00:00Z", adults: 1, children: 1, category: "culture", cardId: visitor));

        var annual = await AnnualAsync(area);

        annual.GetProperty("area").GetString().ShouldBe(area);
        Years(annual).ShouldBe([2026, 2025, 2024]);
        Row(annual.Year(2026)).ShouldBe(new AnnualRow(
            CardsRegistered: 3, CardsTakenIntoUse: 2, Adult: (Culture: 1, Education: 1, Science: 3, Sport: 0), Child: (Culture: 1, Education: 1, Science: 3, Sport: 0),
            TotalUses: 10, Municipalities: 3));
        Row(annual.Year(2025)).ShouldBe(new AnnualRow(
            CardsRegistered: 2, CardsTakenIntoUse: 1, Adult: (1, 0, 0, 1), Child: (2, 0, 0, 0), TotalUses: 4, Municipalities: 3));
        Row(annual.Year(2024)).ShouldBe(new AnnualRow(
            CardsRegistered: 1, CardsTakenIntoUse: 0, Adult: (0, 0, 0, 0), Child: (0, 0, 0, 0), TotalUses: 0, Municipalities: 3));
        (await AnnualAsync(other)).Year(2026).Count("cardsTakenIntoUse").ShouldBe(1, "the visitor's card was taken into use in its home area");
    }

    [Fact]
    public async Task A_cancelled_use_leaves_the_table()
    {
        var area = await service.NewAreaAsync();
        var cancelled = Events.Use(area, area, "2026-02-01T10:00:00Z", adults: 1, children: 2, category: "sport");
        await service.ApplyAsync(cancelled, Events.Use(area, area, "2026-02-02T10:00:00Z", adults: 1, category: "culture"));

        await service.ApplyAsync(Events.Cancelled(cancelled));

        Row((await AnnualAsync(area)).Year(2026)).ShouldBe(new AnnualRow(0, 1, (1, 0, 0, 0), (0, 0, 0, 0), 1, 1));
    }

    [Fact]
    public async Task The_national_table_adds_up_every_area()
    {
        // 2035 is this test's own year: no other test issues cards or records uses in it, so the national row is its alone.
        var areas = await service.NewAreasAsync(2);
        await service.ApplyAsync(
            Events.Card(areas[0], "2035-01-10"), Events.Card(areas[1], "2035-01-10"), Events.Card(areas[1], "2035-02-10"));
        await service.ApplyAsync(
            Events.Use(areas[0], areas[1], "2035-03-01T10:00:00Z", adults: 1, children: 1, category: "sport"),
            Events.Use(areas[1], areas[0], "2035-03-01T10:00:00Z", adults: 2, category: "culture"));

        var annual = await AnnualAsync(null);

        annual.GetProperty("area").ValueKind.ShouldBe(JsonValueKind.Null);
        var row = Row(annual.Year(2035));
        (row with { Municipalities = 0 }).ShouldBe(new AnnualRow(3, 2, (2, 0, 0, 1), (0, 0, 0, 1), 4, 0));
        row.Municipalities.ShouldBeGreaterThanOrEqualTo(2);
        Years(annual).ShouldBe(Years(annual).OrderDescending().ToArray());
    }

    private Task<JsonElement> AnnualAsync(string? area) => service.JsonAsync(Path("annual", ("area", area)), Callers.NationalAdmin);

    private static int[] Years(JsonElement annual) => [.. annual.GetProperty("years").EnumerateArray().Select(r => r.GetProperty("year").GetInt32())];

    private static AnnualRow Row(JsonElement row)
    {
        (int?, int?, int?, int?) Categories(JsonElement counts) =>
            (counts.Count("culture"), counts.Count("education"), counts.Count("science"), counts.Count("sport"));
        return new(row.Count("cardsRegistered"), row.Count("cardsTakenIntoUse"), Categories(row.GetProperty("adultUses")), Categories(row.GetProperty("childUses")),
            row.Count("totalUses"), row.GetProperty("municipalities").GetInt32());
    }

    private sealed record AnnualRow(
        int? CardsRegistered, int? CardsTakenIntoUse, (int? Culture, int? Education, int? Science, int? Sport) Adult,
        (int? Culture, int? Education, int? Science, int? Sport) Child, int? TotalUses, int Municipalities);
}
