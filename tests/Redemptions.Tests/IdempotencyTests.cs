using System.Net;
using System.Text.Json;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.TestSupport;
using static Kaikukortti.Redemptions.Tests.RedemptionsService;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// A desk that lost the answer sends the same request again with the same Idempotency-Key: it gets the first answer back,
/// and the use is recorded and announced once — also when the retries arrive together. Keys belong to their client.
/// </summary>
public sealed class IdempotencyTests : IClassFixture<SharedRedemptionsService>
{
    private readonly RedemptionsService service;
    private readonly string area = SharedRedemptionsService.NewArea();
    private readonly VenueRegistered venue;
    private readonly CardIssued card;

    public IdempotencyTests(SharedRedemptionsService shared)
    {
        service = shared.Service;
        shared.Clock.Now = SharedRedemptionsService.Noon;
        venue = Venue(area);
        card = Card(area, Date("2026-02-01"));
    }

    private HttpClient Desk() => service.AsVenue(venue.VenueId, SharedRedemptionsService.TokenLifetime);

    private static async Task<(HttpStatusCode Status, string? Location, string Body)> AnswerAsync(HttpResponseMessage response) =>
        (response.StatusCode, response.Headers.Location?.OriginalString, await response.Content.ReadAsStringAsync());

    [Fact]
    public async Task A_retried_request_gets_the_first_answer_and_the_use_is_recorded_once()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var body = new UseBody(card.CardNumber, Children: 1, Assistants: 1, OccurredAt: At("2026-03-12T09:45:00Z"));

        var first = await AnswerAsync(await RecordAsync(desk, body, "visit-1"));
        var retry = await AnswerAsync(await RecordAsync(desk, body, "visit-1"));

        first.Status.ShouldBe(HttpStatusCode.Created);
        retry.ShouldBe(first);
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 1, 0));
    }

    [Fact]
    public async Task A_retried_request_gets_the_first_answer_to_the_last_digit_of_its_times()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        // A .NET client sends DateTimeOffset.UtcNow as it is: 100 ns ticks, seven decimals. PostgreSQL keeps microseconds.
        var body = new UseBody(card.CardNumber, OccurredAt: At("2026-03-12T09:45:00.1234567Z"));

        var first = await AnswerAsync(await RecordAsync(desk, body, "visit-1"));
        var retry = await AnswerAsync(await RecordAsync(desk, body, "visit-1"));

        first.Status.ShouldBe(HttpStatusCode.Created);
        var (original, replayed) = (JsonDocument.Parse(first.Body).RootElement, JsonDocument.Parse(retry.Body).RootElement);
        (replayed.GetProperty("occurredAt").GetString(), replayed.GetProperty("recordedAt").GetString())
            .ShouldBe((original.GetProperty("occurredAt").GetString(), original.GetProperty("recordedAt").GetString()));
        retry.Body.ShouldBe(first.Body);
    }

    [Fact]
    public async Task Twenty_simultaneous_retries_record_one_use_and_all_get_its_answer()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var body = new UseBody(card.CardNumber, Children: 2);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => RecordAsync(desk, body, "one-visit")));

        var ids = new List<Guid>();
        foreach (var response in responses) ids.Add((await response.ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        ids.Distinct().Count().ShouldBe(1);
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 1, 0));
        (await service.EventsAsync("UseRecorded", venue.VenueId)).Single().GetProperty("useId").GetGuid().ShouldBe(ids[0]);
    }

    [Fact]
    public async Task Simultaneous_different_requests_under_one_key_record_only_the_first()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => RecordAsync(desk, new UseBody(card.CardNumber, Assistants: i), "shared-key")));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        foreach (var reused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await reused.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 1, 0));
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_refused_as_reused()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var body = new UseBody(card.CardNumber, Children: 1);
        var id = await RecordedAsync(desk, body, "visit-1");

        await (await RecordAsync(desk, body with { Children = 2 }, "visit-1")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        await (await RecordAsync(desk, body with { Assistants = 1 }, "visit-1")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        await (await RecordAsync(desk, body with { OccurredAt = At("2026-03-12T09:00:00Z") }, "visit-1"))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");

        // The same request typed differently is still the same request.
        (await RecordedAsync(desk, body with { CardNumber = CardNumber.Display(card.CardNumber), VenueId = venue.VenueId }, "visit-1")).ShouldBe(id);
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 1, 0));
    }

    [Fact]
    public async Task A_refusal_is_replayed_even_after_its_cause_is_gone_while_a_new_key_is_a_new_attempt()
    {
        await service.ApplyAsync(null, venue);
        using var desk = Desk();
        var body = new UseBody(card.CardNumber);
        var refused = await (await RecordAsync(desk, body, "attempt-1")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "card-unknown");

        await service.ApplyAsync(card);

        var replayed = await (await RecordAsync(desk, body, "attempt-1")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "card-unknown");
        replayed.GetProperty("detail").GetString().ShouldBe(refused.GetProperty("detail").GetString());
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((0, 0, 0));

        await RecordedAsync(desk, body, "attempt-2");
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 1, 0));
    }

    [Fact]
    public async Task Keys_belong_to_their_client()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        using var otherDesk = Desk();
        using var partner = service.AsPartner([venue.VenueId], SharedRedemptionsService.TokenLifetime);
        var body = new UseBody(card.CardNumber, venue.VenueId);

        var ids = new[]
        {
            await RecordedAsync(desk, body, "1"), await RecordedAsync(otherDesk, body, "1"), await RecordedAsync(partner, body, "1"),
            await RecordedAsync(desk, body, "1"),
        };

        ids.Distinct().Count().ShouldBe(3);
        ids[3].ShouldBe(ids[0]);
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((3, 3, 0));
    }

    [Fact]
    public async Task A_retry_after_the_use_was_cancelled_still_gets_the_first_answer()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var body = new UseBody(card.CardNumber, OccurredAt: At("2026-03-12T09:45:00Z"));
        var first = await (await RecordAsync(desk, body, "visit-1")).ShouldBeJsonAsync(HttpStatusCode.Created);
        var id = first.GetProperty("id").GetGuid();
        (await CancelAsync(desk, id)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var retry = await (await RecordAsync(desk, body, "visit-1")).ShouldBeJsonAsync(HttpStatusCode.Created);

        retry.GetRawText().ShouldBe(first.GetRawText());
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 2, 0));
    }

    [Fact]
    public async Task A_sold_out_answer_is_replayed_after_tickets_come_back()
    {
        var show = Offering(venue.VenueId, tickets: 1);
        await service.ApplyAsync(card, venue, show);
        using var desk = Desk();
        var taken = await RecordedAsync(desk, new UseBody(card.CardNumber, OfferingId: show.OfferingId));
        var body = new UseBody(card.CardNumber, OfferingId: show.OfferingId, Assistants: 1);
        await (await RecordAsync(desk, body, "late")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "quota-exhausted");

        (await CancelAsync(desk, taken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await (await RecordAsync(desk, body, "late")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "quota-exhausted");
        await RecordedAsync(desk, body, "late-again");
        (await service.QuotaUsedAsync(show.OfferingId, "event")).ShouldBe(1);
    }

    [Fact]
    public async Task A_replayed_answer_is_the_json_of_a_use()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var body = new UseBody(card.CardNumber, Children: 2, Assistants: 1, OccurredAt: At("2026-03-12T11:45:00+02:00"));
        await RecordedAsync(desk, body, "visit");

        var use = await (await RecordAsync(desk, body, "visit")).ShouldBeJsonAsync(HttpStatusCode.Created);

        use.EnumerateObject().Select(p => p.Name).ShouldBe(
            ["id", "status", "cardNumber", "venueId", "offeringId", "adults", "children", "assistants", "occurredAt", "recordedAt", "cancelledAt"], ignoreOrder: true);
        (use.GetProperty("status").GetString(), use.GetProperty("cardNumber").GetString(), use.GetProperty("venueId").GetGuid()).ShouldBe(("recorded", card.CardNumber, venue.VenueId));
        (use.GetProperty("adults").GetInt32(), use.GetProperty("children").GetInt32(), use.GetProperty("assistants").GetInt32()).ShouldBe((1, 2, 1));
        use.GetProperty("occurredAt").GetDateTimeOffset().ShouldBe(At("2026-03-12T09:45:00Z"));
        use.GetProperty("offeringId").ValueKind.ShouldBe(JsonValueKind.Null);
    }
}
