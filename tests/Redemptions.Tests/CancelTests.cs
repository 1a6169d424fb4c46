using System.Net;
using System.Text.Json;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.TestSupport;
using static Kaikukortti.Redemptions.Tests.RedemptionsService;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// A venue takes back a use it recorded by mistake, within 24 hours of recording it: the use shows as cancelled, its
/// tickets go back to the quota and UseCancelled tells the statistics. Nobody else can, and nobody else learns it exists.
/// </summary>
public sealed class CancelTests : IClassFixture<SharedRedemptionsService>
{
    private readonly SharedRedemptionsService shared;
    private readonly RedemptionsService service;
    private readonly string area = SharedRedemptionsService.NewArea();
    private readonly VenueRegistered venue;
    private readonly CardIssued card;
    private readonly OfferingPublished show;

    public CancelTests(SharedRedemptionsService shared)
    {
        this.shared = shared;
        service = shared.Service;
        shared.Clock.Now = SharedRedemptionsService.Noon;
        venue = Venue(area);
        card = Card(area, Date("2026-02-01"));
        show = Offering(venue.VenueId, tickets: 3);
    }

    private TestClock Clock => shared.Clock;

    private HttpClient Desk() => service.AsVenue(venue.VenueId, SharedRedemptionsService.TokenLifetime);

    private async Task<HttpClient> ReadyAsync()
    {
        await service.ApplyAsync(card, venue, show);
        return Desk();
    }

    [Fact]
    public async Task A_venue_cancels_its_use_within_a_day_and_the_tickets_go_back_to_the_quota()
    {
        using var desk = await ReadyAsync();
        var id = await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Children: 2, Assistants: 1, OccurredAt: At("2026-03-12T09:30:00Z")));
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OfferingId: show.OfferingId), "quota-exhausted");

        Clock.Now = SharedRedemptionsService.Noon.AddHours(23).AddMinutes(59);
        var cancelled = await (await CancelAsync(desk, id)).ShouldBeJsonAsync(HttpStatusCode.OK);

        (cancelled.GetProperty("id").GetGuid(), cancelled.GetProperty("status").GetString()).ShouldBe((id, "cancelled"));
        cancelled.GetProperty("cancelledAt").GetDateTimeOffset().ShouldBe(Clock.Now);
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(0);
        var recorded = (await service.EventsAsync("UseRecorded", venue.VenueId)).Single();
        var withdrawn = (await service.EventsAsync("UseCancelled", venue.VenueId)).Single();
        var withdrawnFields = Properties(withdrawn);
        withdrawnFields.Remove("cancelledAt").ShouldBeTrue();
        withdrawnFields.OrderBy(p => p.Key).ShouldBe(Properties(recorded).OrderBy(p => p.Key), "UseCancelled repeats UseRecorded");
        withdrawn.GetProperty("cancelledAt").GetDateTimeOffset().ShouldBe(Clock.Now);

        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Children: 2));
    }

    /// <summary>Each property of an event: its name and raw JSON value.</summary>
    private static Dictionary<string, string> Properties(JsonElement body) => body.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());

    [Fact]
    public async Task Cancelling_again_changes_nothing()
    {
        using var desk = await ReadyAsync();
        var id = await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Children: 1));
        var first = await (await CancelAsync(desk, id)).ShouldBeJsonAsync(HttpStatusCode.OK);

        Clock.Now = Clock.Now.AddHours(1);
        var again = await (await CancelAsync(desk, id)).ShouldBeJsonAsync(HttpStatusCode.OK);

        again.GetProperty("status").GetString().ShouldBe("cancelled");
        again.GetProperty("cancelledAt").GetDateTimeOffset().ShouldBe(first.GetProperty("cancelledAt").GetDateTimeOffset());
        (await service.EventsAsync("UseCancelled", venue.VenueId)).Count.ShouldBe(1);
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(0);
    }

    [Fact]
    public async Task Simultaneous_cancellations_give_the_tickets_back_once()
    {
        using var desk = await ReadyAsync();
        var id = await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Children: 1));
        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId));

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => CancelAsync(desk, id)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        (await service.EventsAsync("UseCancelled", venue.VenueId)).Count.ShouldBe(1);
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(1);
    }

    [Fact]
    public async Task A_use_cannot_be_cancelled_more_than_24_hours_after_it_was_recorded()
    {
        using var desk = await ReadyAsync();
        var late = await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId));
        var onTime = await RecordedAsync(desk, new UseBody(card.CardNumber));

        Clock.Now = SharedRedemptionsService.Noon.AddHours(24);
        (await CancelAsync(desk, onTime)).StatusCode.ShouldBe(HttpStatusCode.OK);
        Clock.Now = SharedRedemptionsService.Noon.AddHours(24).AddSeconds(1);
        var problem = await (await CancelAsync(desk, late)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "cancel-window-passed");

        problem.GetProperty("detail").GetString()!.ShouldContain("24");
        (await service.EventsAsync("UseCancelled", venue.VenueId)).Single().GetProperty("useId").GetGuid().ShouldBe(onTime);
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(1);
        var listed = await (await desk.GetAsync("/api/redemptions")).ShouldBeJsonAsync(HttpStatusCode.OK);
        listed.GetProperty("items").EnumerateArray().Single(u => u.GetProperty("id").GetGuid() == late).GetProperty("status").GetString().ShouldBe("recorded");
    }

    [Fact]
    public async Task A_paper_record_keyed_in_late_can_be_cancelled_within_a_day_of_keying_it_in()
    {
        using var desk = await ReadyAsync();
        var id = await RecordedAsync(desk, new UseBody(card.CardNumber, OccurredAt: Clock.Now.AddDays(-10)));

        Clock.Now = Clock.Now.AddHours(2);

        (await CancelAsync(desk, id)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Only_the_uses_venue_cancels_it_and_to_others_it_does_not_exist()
    {
        using var desk = await ReadyAsync();
        var id = await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId));

        foreach (var outsider in Outsiders(area))
        {
            using var client = service.As(outsider, SharedRedemptionsService.TokenLifetime);
            var problem = await (await CancelAsync(client, id)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "use-not-found");
            problem.GetProperty("detail").GetString()!.ShouldContain(id.ToString());
        }
        await (await CancelAsync(desk, Guid.NewGuid())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "use-not-found");
        using var anonymous = service.Factory.CreateClient();
        await (await CancelAsync(anonymous, id)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        (await service.EventsAsync("UseCancelled", venue.VenueId)).ShouldBeEmpty();
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(1);

        // Another client of the same venue — its partner system, or a second desk — may.
        using var partner = service.AsPartner([Guid.NewGuid(), venue.VenueId], SharedRedemptionsService.TokenLifetime);
        (await CancelAsync(partner, id)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(0);
    }

    [Fact]
    public async Task The_cancellation_event_repeats_the_recorded_events_time_to_the_last_digit()
    {
        using var desk = await ReadyAsync();
        // A .NET client sends DateTimeOffset.UtcNow as it is: 100 ns ticks, seven decimals. PostgreSQL keeps microseconds.
        var id = await RecordedAsync(desk, new UseBody(card.CardNumber, OccurredAt: At("2026-03-12T09:45:00.1234567Z")));

        (await CancelAsync(desk, id)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var recorded = (await service.EventsAsync("UseRecorded", venue.VenueId)).Single();
        var withdrawn = (await service.EventsAsync("UseCancelled", venue.VenueId)).Single();
        withdrawn.GetProperty("occurredAt").GetString().ShouldBe(recorded.GetProperty("occurredAt").GetString());
    }
}
