using System.Text.Json;
using static Kaikukortti.Statistics.Tests.Figures;

namespace Kaikukortti.Statistics.Tests;

/// <summary>Cards taken into use: distinct cards with at least one (not cancelled) use in the period, by the card's home area.</summary>
public sealed class CardsTakenIntoUseTests(StatisticsService service) : IClassFixture<StatisticsService>
{
    [Fact]
    public async Task A_card_used_twice_is_taken_into_use_once()
    {
        var (home, venue) = await TwoAreasAsync();
        var (card, other) = (Guid.NewGuid(), Guid.NewGuid());

        await service.ApplyAsync(
            Events.Use(home, venue, "2026-03-01T10:00:00Z", cardId: card),
            Events.Use(home, venue, "2026-03-05T10:00:00Z", adults: 1, children: 2, cardId: card),
            Events.Use(home, venue, "2026-03-05T10:00:00Z", cardId: other));

        (await SummaryAsync(home, 2026)).Count("cardsTakenIntoUse").ShouldBe(2);
        (await SummaryAsync(home)).Count("cardsTakenIntoUse").ShouldBe(2);
    }

    [Fact]
    public async Task A_card_used_in_two_years_is_taken_into_use_in_each_and_once_in_all()
    {
        var (home, venue) = await TwoAreasAsync();
        var card = Guid.NewGuid();

        await service.ApplyAsync(
            Events.Use(home, venue, "2025-06-01T10:00:00Z", cardId: card),
            Events.Use(home, venue, "2025-12-31T22:30:00Z", cardId: card),     // 00:30 on 1 January 2026 in Helsinki
            Events.Use(home, venue, "2026-02-01T10:00:00Z", cardId: card));

        (await SummaryAsync(home, 2025)).Count("cardsTakenIntoUse").ShouldBe(1);
        (await SummaryAsync(home, 2026)).Count("cardsTakenIntoUse").ShouldBe(1);
        (await SummaryAsync(home, 2024)).Count("cardsTakenIntoUse").ShouldBe(0);
        (await SummaryAsync(home)).Count("cardsTakenIntoUse").ShouldBe(1, "all time, the card is one card");
        var annual = await service.JsonAsync(Path("annual", ("area", home)), Callers.NationalAdmin);
        annual.Year(2025).Count("cardsTakenIntoUse").ShouldBe(1);
        annual.Year(2026).Count("cardsTakenIntoUse").ShouldBe(1);
    }

    [Fact]
    public async Task A_card_whose_only_use_is_cancelled_is_not_taken_into_use()
    {
        var (home, venue) = await TwoAreasAsync();
        var (once, twice) = (Guid.NewGuid(), Guid.NewGuid());
        var onlyUse = Events.Use(home, venue, "2026-03-01T10:00:00Z", adults: 1, children: 1, cardId: once);
        var firstOfTwo = Events.Use(home, venue, "2026-03-01T10:00:00Z", cardId: twice);
        await service.ApplyAsync(onlyUse, firstOfTwo, Events.Use(home, venue, "2026-03-02T10:00:00Z", cardId: twice));
        (await SummaryAsync(home, 2026)).Count("cardsTakenIntoUse").ShouldBe(2);

        await service.ApplyAsync(Events.Cancelled(onlyUse), Events.Cancelled(firstOfTwo));

        (await SummaryAsync(home, 2026)).Count("cardsTakenIntoUse").ShouldBe(1);
        (await SummaryAsync(home)).Count("cardsTakenIntoUse").ShouldBe(1);
    }

    [Fact]
    public async Task A_card_used_again_after_a_cancelled_use_is_taken_into_use_again()
    {
        var (home, venue) = await TwoAreasAsync();
        var card = Guid.NewGuid();
        var cancelled = Events.Use(home, venue, "2026-03-01T10:00:00Z", cardId: card);
        await service.ApplyInOrderAsync(cancelled, Events.Cancelled(cancelled));
        (await SummaryAsync(home)).Count("cardsTakenIntoUse").ShouldBe(0);

        await service.ApplyAsync(Events.Use(home, venue, "2026-03-03T10:00:00Z", cardId: card));

        (await SummaryAsync(home)).Count("cardsTakenIntoUse").ShouldBe(1);
    }

    [Fact]
    public async Task A_use_whose_cancellation_came_first_takes_no_card_into_use()
    {
        var (home, venue) = await TwoAreasAsync();
        var use = Events.Use(home, venue, "2026-03-01T10:00:00Z");

        await service.ApplyInOrderAsync(Events.Cancelled(use), use);

        (await SummaryAsync(home, 2026)).Count("cardsTakenIntoUse").ShouldBe(0);
        (await SummaryAsync(home)).Count("cardsTakenIntoUse").ShouldBe(0);
    }

    [Fact]
    public async Task Cards_taken_into_use_count_in_the_cards_home_area_wherever_they_were_used()
    {
        var (home, venue) = await TwoAreasAsync();

        await service.ApplyAsync(Events.Use(home, venue, "2026-03-01T10:00:00Z"), Events.Use(home, venue, "2026-03-01T10:00:00Z"));

        (await SummaryAsync(home)).Count("cardsTakenIntoUse").ShouldBe(2);
        (await SummaryAsync(venue)).Count("cardsTakenIntoUse").ShouldBe(0);
    }

    private async Task<(string Home, string Venue)> TwoAreasAsync()
    {
        var areas = await service.NewAreasAsync(2);
        return (areas[0], areas[1]);
    }

    private Task<JsonElement> SummaryAsync(string area, int? year = null) => service.JsonAsync(Path("summary", ("area", area), ("year", year)), Callers.NationalAdmin);
}
