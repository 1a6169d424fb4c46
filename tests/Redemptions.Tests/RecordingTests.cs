using System.Net;
using Kaikukortti.ServiceDefaults;
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
        replay.GetProperty("id").GetGuid().ShouldBe(first.GetProperty("id").GetGuid());
        (await service.EventsAsync()).Select(e => e.Type).ShouldBe(["UseRecorded"]);
        await (await RedemptionsService.RecordAsync(desk, body with { children = 1 }, "key-1")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
    }
}
