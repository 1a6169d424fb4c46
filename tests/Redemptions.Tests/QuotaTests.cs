using System.Net;
using Dapper;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.TestSupport;
using static Kaikukortti.Redemptions.Tests.RedemptionsService;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// Free tickets capped per event, or per Finnish day, week (Monday–Sunday) or month: a use takes its adults and children
/// (never its assistants) from the quota of the period it occurred in, and sold-out is sold-out — also when a hundred desks
/// ask at once. Today is Thursday 12 March 2026, noon in Helsinki (UTC+2); 9 March is a Monday.
/// </summary>
public sealed class QuotaTests : IClassFixture<SharedRedemptionsService>
{
    private readonly RedemptionsService service;
    private readonly string area = SharedRedemptionsService.NewArea();
    private readonly VenueRegistered venue;

    public QuotaTests(SharedRedemptionsService shared)
    {
        service = shared.Service;
        shared.Clock.Now = SharedRedemptionsService.Noon;
        venue = Venue(area);
    }

    private async Task<(OfferingPublished Offering, CardIssued Card, HttpClient Desk)> OfferingAsync(int tickets, string per = "event")
    {
        var offering = Offering(venue.VenueId, tickets: tickets, per: per);
        var card = Card(area, Date("2026-01-01"));
        await service.ApplyAsync(card, venue, offering);
        return (offering, card, service.AsVenue(venue.VenueId, SharedRedemptionsService.TokenLifetime));
    }

    private static UseBody At(CardIssued card, OfferingPublished offering, string occurredAt, int children = 0) =>
        new(card.CardNumber, OfferingId: offering.OfferingId, Children: children, OccurredAt: RedemptionsService.At(occurredAt));

    [Fact]
    public async Task An_event_quota_is_shared_by_every_use_of_the_offering_whenever_it_is_recorded()
    {
        var (show, card, desk) = await OfferingAsync(tickets: 3);

        await RecordedAsync(desk, At(card, show, "2026-03-01T10:00:00Z"));
        await RecordedAsync(desk, At(card, show, "2026-03-12T09:00:00Z", children: 1));
        await service.ShouldRefuseAsync(desk, venue.VenueId, At(card, show, "2026-03-12T09:30:00Z"), "quota-exhausted");

        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(3);
    }

    [Fact]
    public async Task A_daily_quota_starts_again_at_midnight_in_Helsinki()
    {
        var (museum, card, desk) = await OfferingAsync(tickets: 1, per: "day");

        // 23:30 on Monday 9 March and 00:30 on Tuesday 10 March in Helsinki: both are the 9th in UTC.
        await RecordedAsync(desk, At(card, museum, "2026-03-09T21:30:00Z"));
        await RecordedAsync(desk, At(card, museum, "2026-03-09T22:30:00Z"));
        await service.ShouldRefuseAsync(desk, venue.VenueId, At(card, museum, "2026-03-09T21:59:59Z"), "quota-exhausted");
        await service.ShouldRefuseAsync(desk, venue.VenueId, At(card, museum, "2026-03-10T12:00:00Z"), "quota-exhausted");

        (await service.QuotaUsedAsync(museum.OfferingId, "2026-03-09"), await service.QuotaUsedAsync(museum.OfferingId, "2026-03-10")).ShouldBe((1, 1));
    }

    [Fact]
    public async Task A_weekly_quota_runs_from_Monday_to_Sunday_in_Helsinki()
    {
        var (pool, card, desk) = await OfferingAsync(tickets: 1, per: "week");

        // 23:30 on Sunday 8 March, then 00:30 on Monday 9 March in Helsinki (still Sunday in UTC).
        await RecordedAsync(desk, At(card, pool, "2026-03-08T21:30:00Z"));
        await RecordedAsync(desk, At(card, pool, "2026-03-08T22:30:00Z"));
        await service.ShouldRefuseAsync(desk, venue.VenueId, At(card, pool, "2026-03-02T08:00:00Z"), "quota-exhausted");
        await service.ShouldRefuseAsync(desk, venue.VenueId, At(card, pool, "2026-03-12T09:00:00Z"), "quota-exhausted");

        (await service.QuotaUsedAsync(pool.OfferingId, "week-2026-03-02"), await service.QuotaUsedAsync(pool.OfferingId, "week-2026-03-09")).ShouldBe((1, 1));
    }

    [Fact]
    public async Task A_monthly_quota_starts_again_on_the_first_of_the_month_in_Helsinki()
    {
        var (course, card, desk) = await OfferingAsync(tickets: 1, per: "month");

        // 23:30 on 28 February, then 00:30 on 1 March in Helsinki (still February in UTC).
        await RecordedAsync(desk, At(card, course, "2026-02-28T21:30:00Z"));
        await RecordedAsync(desk, At(card, course, "2026-02-28T22:30:00Z"));
        await service.ShouldRefuseAsync(desk, venue.VenueId, At(card, course, "2026-02-27T12:00:00Z"), "quota-exhausted");
        await service.ShouldRefuseAsync(desk, venue.VenueId, At(card, course, "2026-03-11T10:00:00Z"), "quota-exhausted");

        (await service.QuotaUsedAsync(course.OfferingId, "2026-02"), await service.QuotaUsedAsync(course.OfferingId, "2026-03")).ShouldBe((1, 1));
    }

    [Fact]
    public async Task Assistants_get_in_free_without_taking_from_the_quota()
    {
        var (show, card, desk) = await OfferingAsync(tickets: 2);

        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Assistants: 5));
        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Assistants: 1));
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Assistants: 1), "quota-exhausted");

        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(2);
    }

    [Fact]
    public async Task A_visit_needing_more_tickets_than_remain_is_refused_whole()
    {
        var (show, card, desk) = await OfferingAsync(tickets: 3);
        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Children: 1));

        // A holder with two children needs 3 tickets; 1 is left, and no part of the family is let in.
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Children: 2), "quota-exhausted");
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(2);

        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId));
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(3);
    }

    [Fact]
    public async Task Uses_without_an_offering_or_of_an_offering_without_a_quota_are_never_sold_out()
    {
        var free = Offering(venue.VenueId);
        var card = Card(area, Date("2026-01-01"));
        await service.ApplyAsync(card, venue, free);
        using var desk = service.AsVenue(venue.VenueId, SharedRedemptionsService.TokenLifetime);

        for (var i = 0; i < 3; i++)
        {
            await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: free.OfferingId, Children: 2));
            await RecordedAsync(desk, new UseBody(card.CardNumber, Children: 2));
        }

        (await service.FootprintAsync(venue.VenueId)).ShouldBe((6, 6, 0));
    }

    [Fact]
    public async Task A_hundred_desks_asking_at_once_for_the_last_ten_tickets_get_exactly_ten()
    {
        var (show, first, desk) = await OfferingAsync(tickets: 12);
        await RecordedAsync(desk, new UseBody(first.CardNumber, OfferingId: show.OfferingId, Children: 1));
        var cards = Enumerable.Range(0, 100).Select(_ => Card(area, Date("2026-01-01"), children: 0)).ToList();
        await service.ApplyCardsAsync(cards);

        var responses = await Task.WhenAll(cards.Select(card => RecordAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId))));

        await ShouldHaveSoldExactlyTheLastTenAsync(responses, show, "event");
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(12);
    }

    [Fact]
    public async Task A_hundred_requests_at_once_for_a_new_days_ten_tickets_get_exactly_ten()
    {
        // The day's quota row does not exist yet: the first takers race to create it.
        var (museum, card, desk) = await OfferingAsync(tickets: 10, per: "day");
        using var partner = service.AsPartner([venue.VenueId], SharedRedemptionsService.TokenLifetime);

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            RecordAsync(i % 2 == 0 ? desk : partner, new UseBody(card.CardNumber, venue.VenueId, museum.OfferingId, OccurredAt: SharedRedemptionsService.Noon))));

        await ShouldHaveSoldExactlyTheLastTenAsync(responses, museum, "2026-03-12");
        (await service.QuotaUsedAsync(museum.OfferingId, "2026-03-12")).ShouldBe(10);
    }

    private async Task ShouldHaveSoldExactlyTheLastTenAsync(HttpResponseMessage[] responses, OfferingPublished offering, string period)
    {
        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(10);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "quota-exhausted");

        await using var connection = await service.OpenAsync();
        var (uses, tickets) = await connection.QuerySingleAsync<(int, int)>(
            "SELECT count(*)::int, COALESCE(sum(adults + children), 0)::int FROM uses WHERE offering_id = @OfferingId AND quota_period = @period",
            new { offering.OfferingId, period });
        (await service.QuotaUsedAsync(offering.OfferingId, period)).ShouldBe(tickets, "the quota row and the uses agree");
        (await service.EventsAsync("UseRecorded", venue.VenueId)).Count.ShouldBe(uses);
    }

    [Fact]
    public async Task Raising_the_quota_in_Venues_lets_more_in()
    {
        var (show, card, desk) = await OfferingAsync(tickets: 1);
        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId));
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OfferingId: show.OfferingId), "quota-exhausted");

        await service.ApplyOneAsync(Changed(show, show.PublishedAt.AddMinutes(1), tickets: 2));

        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId));
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OfferingId: show.OfferingId), "quota-exhausted");
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(2);
    }

    [Fact]
    public async Task Lowering_the_quota_below_what_is_taken_keeps_the_uses_and_admits_no_more()
    {
        var (show, card, desk) = await OfferingAsync(tickets: 3);
        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Children: 2));

        await service.ApplyOneAsync(Changed(show, show.PublishedAt.AddMinutes(1), tickets: 1));

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OfferingId: show.OfferingId), "quota-exhausted");
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 1, 3));
    }
}
