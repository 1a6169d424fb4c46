using Dapper;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.TestSupport;
using static Kaikukortti.Redemptions.Tests.RedemptionsService;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// Redemptions decides from its own copies of cards, venues and offerings, kept from the owners' events. They must come
/// out right whatever order the events arrive in, and a redelivered event must count once.
/// </summary>
public sealed class ReplicaTests : IClassFixture<SharedRedemptionsService>
{
    private readonly SharedRedemptionsService shared;
    private readonly RedemptionsService service;
    private readonly string area = SharedRedemptionsService.NewArea();
    private readonly VenueRegistered venue;
    private readonly CardIssued card;

    public ReplicaTests(SharedRedemptionsService shared)
    {
        this.shared = shared;
        service = shared.Service;
        shared.Clock.Now = SharedRedemptionsService.Noon;
        venue = Venue(area);
        card = Card(area, Date("2026-02-01"));
    }

    private HttpClient Desk() => service.AsVenue(venue.VenueId, SharedRedemptionsService.TokenLifetime);

    [Fact]
    public async Task A_card_closed_in_Cards_is_refused_here_once_its_event_arrives()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        await RecordedAsync(desk, new UseBody(card.CardNumber));

        await service.ApplyOneAsync(Closed(card, SharedRedemptionsService.Noon.AddMinutes(-1), reason: "holder-request"));

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber), "card-closed");
    }

    [Fact]
    public async Task A_closing_that_overtakes_the_issue_leaves_the_card_closed()
    {
        await service.ApplyAsync(null, venue);
        using var desk = Desk();
        var closedAt = At("2026-03-11T12:00:00Z");

        await service.ApplyOneAsync(Closed(card, closedAt));
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber), "card-unknown");
        await service.ApplyAsync(card);

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber), "card-closed");
        await RecordedAsync(desk, new UseBody(card.CardNumber, OccurredAt: closedAt.AddHours(-2)));
    }

    [Fact]
    public async Task The_earliest_closing_wins()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();

        await service.ApplyOneAsync(Closed(card, At("2026-03-10T12:00:00Z")));
        await service.ApplyOneAsync(Closed(card, At("2026-03-11T12:00:00Z")));

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OccurredAt: At("2026-03-10T18:00:00Z")), "card-closed");
    }

    [Fact]
    public async Task A_replaced_card_is_refused_and_its_replacement_admitted()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var replacement = Card(area, Date("2026-03-12")) with { ReplacesCardId = card.CardId };

        await service.ApplyOneAsync(Closed(card, SharedRedemptionsService.Noon.AddHours(-1), reason: "lost") with
        {
            ReplacedByCardId = replacement.CardId, ReplacedByCardNumber = replacement.CardNumber,
        });
        await service.ApplyAsync(replacement);

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber), "card-closed");
        await RecordedAsync(desk, new UseBody(replacement.CardNumber, Children: 2));
    }

    [Fact]
    public async Task A_renewal_extends_the_validity_and_a_late_older_event_does_not_shorten_it()
    {
        var expired = Card(area, Date("2025-03-10"));
        await service.ApplyAsync(expired, venue);
        using var desk = Desk();
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(expired.CardNumber), "card-expired");

        await service.ApplyOneAsync(Renewed(expired, Date("2026-03-11")));
        await RecordedAsync(desk, new UseBody(expired.CardNumber));

        // The card's first renewal and its issue, arriving late (redelivered under new ids).
        await service.ApplyOneAsync(Renewed(expired, Date("2025-03-01")));
        await service.ApplyOneAsync(expired);
        await RecordedAsync(desk, new UseBody(expired.CardNumber));
        await using var connection = await service.OpenAsync();
        (await connection.ExecuteScalarAsync<DateTime>("SELECT valid_until FROM cards WHERE id = @CardId", expired)).ShouldBe(new DateTime(2027, 3, 11));
    }

    [Fact]
    public async Task A_renewal_that_overtakes_the_issue_leaves_the_card_valid_once_issued()
    {
        await service.ApplyAsync(null, venue);
        using var desk = Desk();
        var old = Card(area, Date("2025-03-10"));

        await service.ApplyOneAsync(Renewed(old, Date("2026-03-11")));
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(old.CardNumber), "card-unknown");
        await service.ApplyAsync(old);

        await RecordedAsync(desk, new UseBody(old.CardNumber));
    }

    [Fact]
    public async Task An_older_venue_change_arriving_late_does_not_undo_a_newer_one()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var changedAt = venue.RegisteredAt.AddMinutes(10);

        await service.ApplyOneAsync(Changed(venue, changedAt, active: false));
        await service.ApplyOneAsync(Changed(venue, changedAt.AddMinutes(-5), active: true));
        await service.ApplyOneAsync(venue);

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber), "venue-inactive");

        await service.ApplyOneAsync(Changed(venue, changedAt.AddMinutes(5), active: true, acceptsOtherAreas: false));
        await RecordedAsync(desk, new UseBody(card.CardNumber));
        var visitor = Card(SharedRedemptionsService.NewArea(), Date("2026-02-01"));
        await service.ApplyAsync(visitor);
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(visitor.CardNumber), "other-area-not-accepted");
    }

    [Fact]
    public async Task An_older_offering_change_arriving_late_does_not_undo_a_newer_one()
    {
        var show = Offering(venue.VenueId, tickets: 1);
        await service.ApplyAsync(card, venue, show);
        using var desk = Desk();

        await service.ApplyOneAsync(Changed(show, show.PublishedAt.AddMinutes(10), tickets: 2));
        await service.ApplyOneAsync(Changed(show, show.PublishedAt.AddMinutes(5), tickets: 1));
        await service.ApplyOneAsync(show);

        await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId, Children: 1));
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OfferingId: show.OfferingId), "quota-exhausted");
    }

    [Fact]
    public async Task A_redelivered_event_is_applied_once_whatever_it_carries()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var messageId = Guid.NewGuid();
        await service.PublishAsync(Changed(venue, venue.RegisteredAt.AddMinutes(1), active: false), messageId);
        await service.WaitUntilHandledAsync(messageId);

        // The same message id again, carrying a newer state that would apply if the inbox let it through.
        await service.PublishAsync(Changed(venue, venue.RegisteredAt.AddMinutes(2), active: true), messageId);
        await Eventually.TrueAsync(
            () => Task.FromResult(shared.Log.Lines.Any(line => line.Contains(messageId.ToString()) && line.Contains("already handled"))),
            TimeSpan.FromSeconds(15), "the redelivery to be recognised");

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber), "venue-inactive");
        await using var connection = await service.OpenAsync();
        (await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM inbox WHERE message_id = @messageId", new { messageId })).ShouldBe(1);
    }

    [Fact]
    public async Task A_card_redelivered_after_it_was_closed_stays_closed()
    {
        await service.ApplyAsync(null, venue);
        using var desk = Desk();
        var issuedId = Guid.NewGuid();
        await service.PublishAsync(card, issuedId);
        await service.WaitUntilHandledAsync(issuedId);
        await service.ApplyOneAsync(Closed(card, SharedRedemptionsService.Noon.AddHours(-1)));

        await service.PublishAsync(card, issuedId);
        await Eventually.TrueAsync(
            () => Task.FromResult(shared.Log.Lines.Any(line => line.Contains(issuedId.ToString()) && line.Contains("already handled"))),
            TimeSpan.FromSeconds(15), "the redelivery to be recognised");

        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber), "card-closed");
    }
}
