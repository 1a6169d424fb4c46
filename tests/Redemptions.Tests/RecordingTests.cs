using System.Net;
using Dapper;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Data;
using Kaikukortti.TestSupport;

namespace Kaikukortti.Redemptions.Tests;

public sealed class RecordingTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private RedemptionsService service = null!;

    public async ValueTask InitializeAsync() => service = await RedemptionsService.StartAsync(postgres, rabbitMq);

    public async ValueTask DisposeAsync() => await service.DisposeAsync();

    [Fact]
    public async Task A_holder_with_two_children_is_recorded_once_and_announced()
    {
        var card = RedemptionsService.Card("seinajoki", TimeProvider.System.Today());
        var venue = RedemptionsService.Venue("seinajoki");
        var offering = RedemptionsService.Offering(venue.VenueId, tickets: 10);
        await service.ApplyAsync(card, venue, offering);
        using var desk = service.AsVenue(venue.VenueId);

        var body = new { cardNumber = card.CardNumber, offeringId = offering.OfferingId, children = 2, assistants = 1 };
        var first = await (await RedemptionsService.RecordAsync(desk, body, "key-1")).ShouldBeJsonAsync(HttpStatusCode.Created);
        var replay = await (await RedemptionsService.RecordAsync(desk, body, "key-1")).ShouldBeJsonAsync(HttpStatusCode.Created);

        first.GetProperty("status").GetString().ShouldBe("recorded");
        // The original answer, to the microsecond: what was answered is what was stored.
        replay.GetRawText().ShouldBe(first.GetRawText());
        (await service.EventsAsync()).Select(e => e.Type).ShouldBe(["UseRecorded"]);
        await (await RedemptionsService.RecordAsync(desk, body with { children = 1 }, "key-1")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
    }

    [Fact]
    public async Task A_desk_that_names_only_the_card_records_the_holder_alone_now()
    {
        var card = RedemptionsService.Card("seinajoki", TimeProvider.System.Today());
        var venue = RedemptionsService.Venue("seinajoki");
        await service.ApplyAsync(card, venue);
        using var desk = service.AsVenue(venue.VenueId);
        var before = DateTimeOffset.UtcNow;

        var response = await RedemptionsService.RecordAsync(desk, new { cardNumber = card.CardNumber });
        var use = await response.ShouldBeJsonAsync(HttpStatusCode.Created);

        var id = use.GetProperty("id").GetGuid();
        response.Headers.Location!.OriginalString.ShouldBe($"/api/redemptions/{id}");
        (use.GetProperty("status").GetString(), use.GetProperty("cardNumber").GetString(), use.GetProperty("venueId").GetGuid()).ShouldBe(("recorded", card.CardNumber, venue.VenueId));
        (use.GetProperty("adults").GetInt32(), use.GetProperty("children").GetInt32(), use.GetProperty("assistants").GetInt32()).ShouldBe((1, 0, 0));
        use.GetProperty("occurredAt").GetDateTimeOffset().ShouldBeInRange(before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        use.GetProperty("recordedAt").GetDateTimeOffset().ShouldBe(use.GetProperty("occurredAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task UseRecorded_carries_what_the_statistics_need_and_nothing_personal_and_reaches_the_broker()
    {
        // Issued yesterday: three hours ago is yesterday in Finland between midnight and three, before a card issued today.
        var card = RedemptionsService.Card("seinajoki", TimeProvider.System.Today().AddDays(-1), children: 3);
        var venue = RedemptionsService.Venue("tampere", category: "science");
        var course = RedemptionsService.Offering(venue.VenueId, kind: "course", tickets: 5, per: "month");
        await service.ApplyAsync(card, venue, course);
        using var desk = service.AsVenue(venue.VenueId);
        var occurredAt = DateTimeOffset.UtcNow.AddHours(-3);

        var id = await RedemptionsService.RecordedAsync(desk, new { cardNumber = card.CardNumber, offeringId = course.OfferingId, assistants = 1, occurredAt });

        var (type, recorded) = (await service.EventsAsync()).Single();
        type.ShouldBe("UseRecorded");
        recorded.EnumerateObject().Select(p => p.Name).ShouldBe(
        [
            "useId", "cardId", "cardKind", "cardHomeArea", "distributorId", "venueId", "venueArea", "category", "offeringKind", "offeringId", "adults",
            "children", "assistants", "occurredAt",
        ], ignoreOrder: true);
        (recorded.GetProperty("useId").GetGuid(), recorded.GetProperty("cardId").GetGuid(), recorded.GetProperty("distributorId").GetGuid()).ShouldBe((id, card.CardId, card.DistributorId));
        (recorded.GetProperty("cardKind").GetString(), recorded.GetProperty("cardHomeArea").GetString()).ShouldBe(("personal", "seinajoki"));
        (recorded.GetProperty("venueId").GetGuid(), recorded.GetProperty("venueArea").GetString(), recorded.GetProperty("category").GetString()).ShouldBe((venue.VenueId, "tampere", "science"));
        (recorded.GetProperty("offeringId").GetGuid(), recorded.GetProperty("offeringKind").GetString()).ShouldBe((course.OfferingId, "course"));
        (recorded.GetProperty("adults").GetInt32(), recorded.GetProperty("children").GetInt32(), recorded.GetProperty("assistants").GetInt32()).ShouldBe((1, 0, 1));
        // Kept, like every time, to PostgreSQL's microsecond.
        recorded.GetProperty("occurredAt").GetDateTimeOffset().ShouldBe(DatabaseClock.Stored(occurredAt));
        recorded.GetRawText().ShouldNotContain(card.CardNumber);

        await Eventually.TrueAsync(async () =>
        {
            await using var connection = await service.OpenAsync();
            return await connection.ExecuteScalarAsync<bool>("SELECT sent_at IS NOT NULL FROM outbox");
        }, TimeSpan.FromSeconds(15), "UseRecorded to be sent");
    }
}
