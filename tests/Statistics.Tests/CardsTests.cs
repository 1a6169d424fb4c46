using System.Text.Json;
using static Kaikukortti.Statistics.Tests.Figures;

namespace Kaikukortti.Statistics.Tests;

/// <summary>
/// Cards as the projections count them: cards registered per year without replacements, active cards valid today (on
/// the service's clock, in Helsinki), whatever order and however often the card events arrive.
/// </summary>
public sealed class CardsTests : IClassFixture<StatisticsService>
{
    private readonly StatisticsService service;

    public CardsTests(StatisticsService service)
    {
        this.service = service;
        service.Clock.Now = StatisticsService.Noon;
    }

    [Fact]
    public async Task Cards_registered_count_per_year_without_replacements()
    {
        var area = await service.NewAreaAsync();
        var lost = Events.Card(area, "2026-02-01");
        var replacement = Events.Card(area, "2026-03-01", replaces: lost);
        await service.ApplyAsync([.. Events.Cards(2, area, "2025-05-01"), lost, .. Events.Cards(2, area, "2026-02-10")]);

        await service.ApplyAsync(Events.Closed(lost, "lost", replacedBy: replacement), replacement);

        var year2026 = await SummaryAsync(area, 2026);
        year2026.GetProperty("year").GetInt32().ShouldBe(2026);
        year2026.Count("cardsIssued").ShouldBe(3, "the replacement is not a new card");
        (await SummaryAsync(area, 2025)).Count("cardsIssued").ShouldBe(2);
        (await SummaryAsync(area, 2024)).Count("cardsIssued").ShouldBe(0);
        var allYears = await SummaryAsync(area);
        allYears.GetProperty("year").ValueKind.ShouldBe(JsonValueKind.Null);
        allYears.Count("cardsIssued").ShouldBe(5);
        allYears.Count("activeCards").ShouldBe(5, "the replacement is valid, the card it replaced is closed");

        var annual = await service.JsonAsync(Path("annual", ("area", area)), Callers.NationalAdmin);
        annual.Year(2026).Count("cardsRegistered").ShouldBe(3);
        annual.Year(2025).Count("cardsRegistered").ShouldBe(2);
    }

    [Fact]
    public async Task Cards_count_in_their_home_area()
    {
        var areas = await service.NewAreasAsync(2);
        await service.ApplyAsync([.. Events.Cards(3, areas[0], "2026-01-10"), .. Events.Cards(1, areas[1], "2026-01-10")]);

        (await SummaryAsync(areas[0])).Count("cardsIssued").ShouldBe(3);
        (await SummaryAsync(areas[1])).Count("cardsIssued").ShouldBe(1);
        (await SummaryAsync(areas[1])).Count("activeCards").ShouldBe(1);
    }

    [Fact]
    public async Task Active_cards_are_the_cards_valid_today_in_Helsinki()
    {
        var area = await service.NewAreaAsync();
        await service.ApplyAsync(
            Events.Card(area, "2025-03-20"),                       // valid through 20 March 2026
            Events.Card(area, "2025-03-01"),                       // expired on 1 March 2026
            Events.Card(area, "2026-03-01"));                      // valid through 1 March 2027

        (await SummaryAsync(area)).Count("activeCards").ShouldBe(2);

        service.Clock.Now = Events.At("2026-03-20T21:30:00Z");    // 23:30 on 20 March in Helsinki: the card's last day
        (await SummaryAsync(area)).Count("activeCards").ShouldBe(2);

        service.Clock.Now = Events.At("2026-03-20T22:30:00Z");    // 00:30 on 21 March in Helsinki
        (await SummaryAsync(area)).Count("activeCards").ShouldBe(1);

        service.Clock.Now = Events.At("2027-03-02T10:00:00Z");
        var later = await SummaryAsync(area);
        later.Count("activeCards").ShouldBe(0);
        later.Count("cardsIssued").ShouldBe(3, "an expired card was still issued");
    }

    [Fact]
    public async Task A_closed_card_is_no_longer_active()
    {
        var area = await service.NewAreaAsync();
        var closed = Events.Card(area, "2026-01-15");
        await service.ApplyAsync(closed, Events.Card(area, "2026-01-15"));
        (await SummaryAsync(area)).Count("activeCards").ShouldBe(2);

        await service.ApplyAsync(Events.Closed(closed));

        var summary = await SummaryAsync(area);
        summary.Count("activeCards").ShouldBe(1);
        summary.Count("cardsIssued").ShouldBe(2);
    }

    [Fact]
    public async Task A_renewed_card_stays_active_until_its_new_last_day()
    {
        var area = await service.NewAreaAsync();
        var renewed = Events.Card(area, "2025-03-20");
        await service.ApplyAsync(renewed, Events.Card(area, "2025-03-20"));

        await service.ApplyAsync(Events.Renewed(renewed, "2026-03-15"));      // valid through 15 March 2027

        service.Clock.Now = Events.At("2026-06-01T10:00:00Z");
        (await SummaryAsync(area)).Count("activeCards").ShouldBe(1, "the card that was not renewed has expired");
        service.Clock.Now = Events.At("2027-03-15T12:00:00Z");
        (await SummaryAsync(area)).Count("activeCards").ShouldBe(1);
        service.Clock.Now = Events.At("2027-03-16T12:00:00Z");
        (await SummaryAsync(area)).Count("activeCards").ShouldBe(0);
        (await SummaryAsync(area)).Count("cardsIssued").ShouldBe(2, "a renewal is not a new card");
    }

    [Fact]
    public async Task A_closure_that_arrives_before_the_issue_leaves_a_card_registered_once_and_never_active()
    {
        var area = await service.NewAreaAsync();
        var card = Events.Card(area, "2026-02-01");

        await service.ApplyInOrderAsync(Events.Closed(card), card);

        var summary = await SummaryAsync(area);
        summary.Count("cardsIssued").ShouldBe(1);
        summary.Count("activeCards").ShouldBe(0);

        await service.ApplyInOrderAsync(Events.Renewed(card, "2026-03-01"), card);
        summary = await SummaryAsync(area);
        summary.Count("cardsIssued").ShouldBe(1, "the same card announced again");
        summary.Count("activeCards").ShouldBe(0, "a closed card stays closed");
    }

    [Fact]
    public async Task A_renewal_that_arrives_before_the_issue_keeps_the_later_last_day()
    {
        var area = await service.NewAreaAsync();
        var card = Events.Card(area, "2025-03-15");                          // valid through 15 March 2026

        await service.ApplyInOrderAsync(Events.Renewed(card, "2026-03-10"), card);    // valid through 10 March 2027

        service.Clock.Now = Events.At("2026-06-01T10:00:00Z");
        var summary = await SummaryAsync(area);
        summary.Count("activeCards").ShouldBe(1);
        summary.Count("cardsIssued").ShouldBe(1);
        service.Clock.Now = Events.At("2027-03-11T10:00:00Z");
        (await SummaryAsync(area)).Count("activeCards").ShouldBe(0);
    }

    [Fact]
    public async Task An_older_renewal_that_arrives_late_does_not_shorten_the_validity()
    {
        var area = await service.NewAreaAsync();
        var card = Events.Card(area, "2024-03-15");

        await service.ApplyInOrderAsync(card, Events.Renewed(card, "2026-03-01"), Events.Renewed(card, "2025-03-10"));

        service.Clock.Now = Events.At("2026-06-01T10:00:00Z");
        (await SummaryAsync(area)).Count("activeCards").ShouldBe(1);
    }

    [Fact]
    public async Task A_redelivered_card_issue_counts_once()
    {
        var area = await service.NewAreaAsync();
        var card = Events.Card(area, "2026-02-01");

        var messageId = await service.PublishAsync(card);
        await service.WaitUntilHandledAsync(messageId);
        await service.RedeliverAsync(card, messageId);
        await service.RedeliverAsync(card, messageId);
        await service.ApplyAsync(card);

        var summary = await SummaryAsync(area);
        summary.Count("cardsIssued").ShouldBe(1);
        summary.Count("activeCards").ShouldBe(1);
    }

    [Fact]
    public async Task A_redelivered_closure_or_renewal_moves_a_card_once()
    {
        var area = await service.NewAreaAsync();
        var (renewed, closed) = (Events.Card(area, "2025-03-20"), Events.Card(area, "2026-01-10"));
        await service.ApplyAsync(renewed, closed);

        foreach (var message in new object[] { Events.Renewed(renewed, "2026-03-01"), Events.Closed(closed) })
        {
            var messageId = await service.PublishAsync(message);
            await service.WaitUntilHandledAsync(messageId);
            await service.RedeliverAsync(message, messageId);
            await service.ApplyAsync(message);
        }

        (await SummaryAsync(area)).Count("activeCards").ShouldBe(1);
        service.Clock.Now = Events.At("2026-06-01T10:00:00Z");
        (await SummaryAsync(area)).Count("activeCards").ShouldBe(1);
    }

    /// <summary>
    /// After an outage the outbox relay sends a backlog and the service handles its messages concurrently, so a card's
    /// issue and its closure can be handled at the same moment.
    /// </summary>
    [Fact]
    public async Task A_card_issued_and_closed_at_the_same_moment_ends_up_closed_and_registered_once()
    {
        var area = await service.NewAreaAsync();
        var cards = Events.Cards(40, area, "2026-02-01");

        await service.ApplyAsync([.. cards.SelectMany((card, i) => i % 2 == 0 ? new object[] { card, Events.Closed(card) } : [Events.Closed(card), card])]);
        // The same issues announced again, as a replayed outbox would.
        await service.ApplyAsync([.. cards.Cast<object>()]);

        var summary = await SummaryAsync(area);
        (summary.Count("activeCards"), summary.Count("cardsIssued")).ShouldBe((0, cards.Length), "every card was closed, and each counts once");
    }

    private Task<JsonElement> SummaryAsync(string area, int? year = null) => service.JsonAsync(Path("summary", ("area", area), ("year", year)), Callers.NationalAdmin);
}
