using System.Net;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.TestSupport;
using static Kaikukortti.Redemptions.Tests.RedemptionsService;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// Every refusal of DESIGN §1 and §5 at the ticket desk: a 422 with its code that records no use, sends no event and takes
/// no ticket — and, next to it, the nearest use that is accepted. Today is Thursday 12 March 2026, noon in Helsinki.
/// </summary>
public sealed class RefusalTests : IClassFixture<SharedRedemptionsService>
{
    private readonly SharedRedemptionsService shared;
    private readonly RedemptionsService service;
    private readonly string area = SharedRedemptionsService.NewArea();

    public RefusalTests(SharedRedemptionsService shared)
    {
        this.shared = shared;
        service = shared.Service;
        shared.Clock.Now = SharedRedemptionsService.Noon;
    }

    private DateTimeOffset Now => shared.Clock.Now;

    /// <summary>Registers the venue and its offerings here and gives its desk.</summary>
    private async Task<HttpClient> DeskAsync(VenueRegistered venue, params OfferingPublished[] offerings)
    {
        await service.ApplyAsync(null, venue, offerings);
        return service.AsVenue(venue.VenueId, SharedRedemptionsService.TokenLifetime);
    }

    private async Task<CardIssued> CardAsync(CardIssued? card = null)
    {
        card ??= Card(area, Date("2026-02-01"));
        await service.ApplyAsync(card);
        return card;
    }

    [Fact]
    public async Task A_card_never_announced_is_unknown()
    {
        var venue = Venue(area);
        using var desk = await DeskAsync(venue);
        var number = NewCardNumber();

        var problem = await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(number), "card-unknown");

        problem.GetProperty("detail").GetString()!.ShouldContain(number);
    }

    [Fact]
    public async Task A_use_dated_before_the_card_was_issued_in_Helsinki_is_refused_as_an_unknown_card()
    {
        var venue = Venue(area);
        using var desk = await DeskAsync(venue);
        var card = await CardAsync(Card(area, Date("2026-03-10")));

        // 23:30 on 9 March in Helsinki: the day before the card existed.
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OccurredAt: At("2026-03-09T21:30:00Z")), "card-unknown");
        // 00:30 on 10 March in Helsinki, still the 9th in UTC: the card's first day.
        await RecordedAsync(desk, new UseBody(card.CardNumber, OccurredAt: At("2026-03-09T22:30:00Z")));
    }

    [Fact]
    public async Task A_closed_card_is_refused_but_a_paper_record_from_before_the_closing_is_accepted()
    {
        var venue = Venue(area);
        using var desk = await DeskAsync(venue);
        var card = await CardAsync();
        var closedAt = At("2026-03-11T12:00:00Z");
        await service.ApplyOneAsync(Closed(card, closedAt));

        var problem = await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber), "card-closed");
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OccurredAt: closedAt), "card-closed");
        await RecordedAsync(desk, new UseBody(card.CardNumber, OccurredAt: closedAt.AddSeconds(-1)));

        problem.GetProperty("detail").GetString()!.ShouldContain(card.CardNumber);
    }

    [Fact]
    public async Task An_expired_card_is_refused_from_the_Helsinki_day_after_its_last_valid_day()
    {
        var venue = Venue(area);
        using var desk = await DeskAsync(venue);
        var card = await CardAsync(Card(area, Date("2025-03-05"), validUntil: Date("2026-03-05")));

        // 23:30 on 5 March in Helsinki: still its last valid day.
        await RecordedAsync(desk, new UseBody(card.CardNumber, OccurredAt: At("2026-03-05T21:30:00Z")));
        // 00:30 on 6 March in Helsinki, though still 5 March in UTC.
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OccurredAt: At("2026-03-05T22:30:00Z")), "card-expired");
        var problem = await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber), "card-expired");

        problem.GetProperty("detail").GetString()!.ShouldContain("2026-03-05");
    }

    [Fact]
    public async Task A_personal_card_admits_one_adult_its_holder()
    {
        var venue = Venue(area);
        using var desk = await DeskAsync(venue);
        var card = await CardAsync();

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, Adults: 0, Children: 1), "adults-not-covered");
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, Adults: 2), "adults-not-covered");
        await RecordedAsync(desk, new UseBody(card.CardNumber, Adults: 1, Children: 1));
    }

    [Fact]
    public async Task Children_beyond_the_number_on_the_card_are_refused()
    {
        var venue = Venue(area);
        using var desk = await DeskAsync(venue);
        var card = await CardAsync(Card(area, Date("2026-02-01"), children: 2));
        var childless = await CardAsync(Card(area, Date("2026-02-01"), children: 0));

        var problem = await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, Children: 3), "too-many-children");
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(childless.CardNumber, Children: 1), "too-many-children");
        await RecordedAsync(desk, new UseBody(card.CardNumber, Children: 2));
        await RecordedAsync(desk, new UseBody(childless.CardNumber));

        problem.GetProperty("detail").GetString()!.ShouldContain("2");
    }

    [Fact]
    public async Task Children_are_not_covered_on_a_course()
    {
        var venue = Venue(area);
        var course = Offering(venue.VenueId, kind: "course");
        using var desk = await DeskAsync(venue, course);
        var card = await CardAsync();

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OfferingId: course.OfferingId, Children: 1), "children-not-covered");
        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: course.OfferingId, Children: 0));
    }

    [Fact]
    public async Task A_community_group_larger_than_the_card_allows_is_refused()
    {
        var venue = Venue(area);
        using var desk = await DeskAsync(venue);
        var card = await CardAsync(Card(area, Date("2026-02-01"), kind: "community", groupSize: 5));

        var problem = await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, Adults: 1, Children: 5), "group-too-large");
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, Adults: 0, Children: 6), "group-too-large");
        // Workers count as adults, clients under 16 as children; the group may be as large as the card allows.
        await RecordedAsync(desk, new UseBody(card.CardNumber, Adults: 2, Children: 3));
        await RecordedAsync(desk, new UseBody(card.CardNumber, Adults: 0, Children: 5));

        problem.GetProperty("detail").GetString()!.ShouldContain("5");
    }

    [Fact]
    public async Task A_venue_that_takes_only_its_own_areas_cards_refuses_a_card_from_another_area()
    {
        var local = Venue(area, acceptsOtherAreas: false);
        var open = Venue(area, acceptsOtherAreas: true);
        using var localDesk = await DeskAsync(local);
        using var openDesk = await DeskAsync(open);
        var visitor = await CardAsync(Card(SharedRedemptionsService.NewArea(), Date("2026-02-01")));
        var resident = await CardAsync();

        var problem = await service.ShouldRefuseAsync(localDesk, local.VenueId, new UseBody(visitor.CardNumber), "other-area-not-accepted");
        await RecordedAsync(localDesk, new UseBody(resident.CardNumber));
        await RecordedAsync(openDesk, new UseBody(visitor.CardNumber));

        problem.GetProperty("detail").GetString()!.ShouldContain(visitor.AreaCode);
        (await service.FootprintAsync(open.VenueId)).Uses.ShouldBe(1);
    }

    [Fact]
    public async Task A_venue_never_announced_is_unknown()
    {
        var venueId = Guid.NewGuid();
        using var desk = service.AsVenue(venueId, SharedRedemptionsService.TokenLifetime);
        var card = await CardAsync();

        await service.ShouldRefuseAsync(desk, venueId, new UseBody(card.CardNumber), "venue-unknown");
    }

    [Fact]
    public async Task A_deactivated_venue_records_no_uses()
    {
        var venue = Venue(area);
        using var desk = await DeskAsync(venue);
        var card = await CardAsync();
        await RecordedAsync(desk, new UseBody(card.CardNumber));

        await service.ApplyOneAsync(Changed(venue, venue.RegisteredAt.AddSeconds(1), active: false));

        var problem = await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber), "venue-inactive");
        problem.GetProperty("detail").GetString()!.ShouldContain(venue.VenueId.ToString());
    }

    [Fact]
    public async Task An_offering_the_venue_does_not_have_is_unknown()
    {
        var venue = Venue(area);
        var own = Offering(venue.VenueId);
        using var desk = await DeskAsync(venue, own);
        var other = Venue(area);
        var elsewhere = Offering(other.VenueId);
        await service.ApplyAsync(null, other, elsewhere);
        var card = await CardAsync();

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OfferingId: Guid.NewGuid()), "offering-unknown");
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OfferingId: elsewhere.OfferingId), "offering-unknown");
        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: own.OfferingId));
    }

    [Fact]
    public async Task A_use_more_than_five_minutes_ahead_of_the_clock_is_refused()
    {
        var venue = Venue(area);
        using var desk = await DeskAsync(venue);
        var card = await CardAsync();

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OccurredAt: Now.AddMinutes(6)), "occurred-in-future");
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OccurredAt: Now.AddMinutes(5).AddSeconds(1)), "occurred-in-future");
        // A desk whose clock runs a little fast is still believed.
        await RecordedAsync(desk, new UseBody(card.CardNumber, OccurredAt: Now.AddMinutes(4)));
    }

    [Fact]
    public async Task A_use_older_than_fourteen_days_is_refused_as_too_late()
    {
        var venue = Venue(area);
        using var desk = await DeskAsync(venue);
        var card = await CardAsync(Card(area, Date("2026-01-01")));

        var problem = await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OccurredAt: Now.AddDays(-14).AddMinutes(-1)), "too-late");
        await RecordedAsync(desk, new UseBody(card.CardNumber, OccurredAt: Now.AddDays(-13)));
        await RecordedAsync(desk, new UseBody(card.CardNumber, OccurredAt: Now.AddDays(-14)));

        problem.GetProperty("detail").GetString()!.ShouldContain("14");
    }

    [Fact]
    public async Task A_use_beyond_the_quota_is_refused_as_sold_out()
    {
        var venue = Venue(area);
        var show = Offering(venue.VenueId, tickets: 2);
        using var desk = await DeskAsync(venue, show);
        var card = await CardAsync();
        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Children: 1));

        var problem = await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OfferingId: show.OfferingId), "quota-exhausted");

        problem.GetProperty("detail").GetString()!.ShouldContain("2");
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(2);
    }

    [Fact]
    public async Task A_refusal_is_explained_in_the_callers_language()
    {
        var venue = Venue(area);
        using var desk = await DeskAsync(venue);
        var number = NewCardNumber();

        foreach (var (language, text) in new[] { ("en", $"The card {number} is not known."), ("sv", $"Kortet {number} är okänt."), ("fi", $"Korttia {number} ei tunneta.") })
        {
            desk.DefaultRequestHeaders.AcceptLanguage.Clear();
            desk.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
            var response = await RecordAsync(desk, new UseBody(number, venue.VenueId));
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "card-unknown");

            problem.GetProperty("detail").GetString().ShouldBe(text);
            response.Content.Headers.ContentLanguage.ShouldBe([language]);
        }
    }
}
