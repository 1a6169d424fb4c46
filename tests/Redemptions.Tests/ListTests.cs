using System.Net;
using System.Text.Json;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using static Kaikukortti.Redemptions.Tests.RedemptionsService;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// A venue reads back its own uses, newest first, between two times and a page at a time. Its area's coordinator may
/// read them too; other venues and other clients may not.
/// </summary>
public sealed class ListTests : IClassFixture<SharedRedemptionsService>
{
    private readonly RedemptionsService service;
    private readonly string area = SharedRedemptionsService.NewArea();
    private readonly VenueRegistered venue;
    private readonly CardIssued card;

    public ListTests(SharedRedemptionsService shared)
    {
        service = shared.Service;
        shared.Clock.Now = SharedRedemptionsService.Noon;
        venue = Venue(area);
        card = Card(area, Date("2026-02-01"));
    }

    private HttpClient Desk() => service.AsVenue(venue.VenueId, SharedRedemptionsService.TokenLifetime);

    /// <summary>Records a use at each time (as given, in any offset) and returns their ids in the same order.</summary>
    private async Task<List<Guid>> RecordAtAsync(HttpClient desk, params string[] times)
    {
        List<Guid> ids = [];
        foreach (var time in times) ids.Add(await RecordedAsync(desk, new UseBody(card.CardNumber, OccurredAt: At(time))));
        return ids;
    }

    private static async Task<(List<Guid> Ids, JsonElement Page)> ListAsync(HttpClient client, string query = "")
    {
        var page = await (await client.GetAsync($"/api/redemptions{query}")).ShouldBeJsonAsync(HttpStatusCode.OK);
        return ([.. page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid())], page);
    }

    [Fact]
    public async Task A_venue_lists_its_own_uses_newest_first()
    {
        await service.ApplyAsync(card, venue);
        var neighbour = Venue(area);
        await service.ApplyAsync(null, neighbour);
        using var desk = Desk();
        var ids = await RecordAtAsync(desk, "2026-03-10T09:00:00Z", "2026-03-12T08:00:00Z", "2026-03-11T17:00:00Z");
        using var neighbourDesk = service.AsVenue(neighbour.VenueId, SharedRedemptionsService.TokenLifetime);
        await RecordedAsync(neighbourDesk, new UseBody(card.CardNumber));

        var (listed, page) = await ListAsync(desk);

        listed.ShouldBe([ids[1], ids[2], ids[0]]);
        (page.GetProperty("page").GetInt32(), page.GetProperty("pageSize").GetInt32(), page.GetProperty("total").GetInt32()).ShouldBe((1, 20, 3));
        var newest = page.GetProperty("items")[0];
        (newest.GetProperty("status").GetString(), newest.GetProperty("cardNumber").GetString(), newest.GetProperty("venueId").GetGuid())
            .ShouldBe(("recorded", card.CardNumber, venue.VenueId));
        newest.GetProperty("occurredAt").GetDateTimeOffset().ShouldBe(At("2026-03-12T08:00:00Z"));
        (await ListAsync(desk, $"?venueId={venue.VenueId}")).Ids.ShouldBe(listed);
    }

    [Fact]
    public async Task From_and_to_bound_the_time_of_use_in_any_offset()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var ids = await RecordAtAsync(desk,
            "2026-03-09T21:59:59Z", // 23:59:59 on 9 March in Helsinki
            "2026-03-09T22:00:00Z", // midnight starting 10 March
            "2026-03-10T12:00:00+02:00",
            "2026-03-10T21:59:59Z", // 23:59:59 on 10 March
            "2026-03-10T22:00:00Z"); // midnight starting 11 March

        var from = Uri.EscapeDataString("2026-03-10T00:00:00+02:00");
        var to = Uri.EscapeDataString("2026-03-11T00:00:00+02:00");
        (await ListAsync(desk, $"?from={from}&to={to}")).Ids.ShouldBe([ids[3], ids[2], ids[1]]);
        (await ListAsync(desk, "?from=2026-03-09T22:00:00Z&to=2026-03-10T22:00:00Z")).Ids.ShouldBe([ids[3], ids[2], ids[1]]);
        (await ListAsync(desk, $"?from={from}")).Ids.ShouldBe([ids[4], ids[3], ids[2], ids[1]]);
        (await ListAsync(desk, $"?to={from}")).Ids.ShouldBe([ids[0]]);
        await (await desk.GetAsync("/api/redemptions?from=yesterday")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad-request");
    }

    [Fact]
    public async Task Uses_are_listed_a_page_at_a_time()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var ids = await RecordAtAsync(desk, "2026-03-12T01:00:00Z", "2026-03-12T02:00:00Z", "2026-03-12T03:00:00Z", "2026-03-12T04:00:00Z", "2026-03-12T05:00:00Z");

        var (first, page) = await ListAsync(desk, "?page=1&pageSize=2");
        first.ShouldBe([ids[4], ids[3]]);
        (page.GetProperty("page").GetInt32(), page.GetProperty("pageSize").GetInt32(), page.GetProperty("total").GetInt32()).ShouldBe((1, 2, 5));
        (await ListAsync(desk, "?page=2&pageSize=2")).Ids.ShouldBe([ids[2], ids[1]]);
        (await ListAsync(desk, "?page=3&pageSize=2")).Ids.ShouldBe([ids[0]]);
        (await ListAsync(desk, "?pageSize=100")).Ids.Count.ShouldBe(5);
        var (beyond, beyondPage) = await ListAsync(desk, $"?page={int.MaxValue}&pageSize=100");
        beyond.ShouldBeEmpty();
        beyondPage.GetProperty("total").GetInt32().ShouldBe(5);

        foreach (var query in new[] { "?page=0", "?page=-1", "?pageSize=0", "?pageSize=101" })
            await (await desk.GetAsync($"/api/redemptions{query}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "paging-invalid");
        await (await desk.GetAsync("/api/redemptions?page=two")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad-request");
    }

    [Fact]
    public async Task A_cancelled_use_is_listed_as_cancelled()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var ids = await RecordAtAsync(desk, "2026-03-12T08:00:00Z", "2026-03-12T09:00:00Z");
        (await CancelAsync(desk, ids[0])).StatusCode.ShouldBe(HttpStatusCode.OK);

        var (_, page) = await ListAsync(desk);

        var items = page.GetProperty("items").EnumerateArray().ToList();
        items.Select(u => u.GetProperty("status").GetString()).ShouldBe(["recorded", "cancelled"]);
        items[1].GetProperty("cancelledAt").GetDateTimeOffset().ShouldBe(SharedRedemptionsService.Noon);
        items[0].GetProperty("cancelledAt").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Only_the_venue_its_partners_and_its_areas_coordinators_read_its_uses()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var ids = await RecordAtAsync(desk, "2026-03-12T08:00:00Z");
        var query = $"?venueId={venue.VenueId}";

        SiteClient[] refused = [.. Outsiders(area).Where(c => c.Role is not (Roles.AreaCoordinator or Roles.NationalAdmin)), Tokens.Coordinator(SharedRedemptionsService.NewArea())];
        foreach (var outsider in refused)
        {
            using var client = service.As(outsider, SharedRedemptionsService.TokenLifetime);
            await (await client.GetAsync($"/api/redemptions{query}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
        using var anonymous = service.Factory.CreateClient();
        await (await anonymous.GetAsync($"/api/redemptions{query}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        using var coordinator = service.AsCoordinator(area, SharedRedemptionsService.TokenLifetime);
        using var admin = service.As(Tokens.NationalAdmin, SharedRedemptionsService.TokenLifetime);
        using var partner = service.AsPartner([Guid.NewGuid(), venue.VenueId], SharedRedemptionsService.TokenLifetime);
        foreach (var reader in new[] { coordinator, admin, partner }) (await ListAsync(reader, query)).Ids.ShouldBe(ids);
        await (await partner.GetAsync("/api/redemptions")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "redemption-venue-required");
        await (await coordinator.GetAsync("/api/redemptions")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "redemption-venue-required");
    }
}
