using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.TestSupport;

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>
/// Recording uses through the gateway with real site clients and tokens: the Redemptions service decides from the card
/// and venue state it has learned from the Cards and Venues services' events.
/// </summary>
public sealed class RedemptionTests(SystemFixture system)
{
    [Fact]
    public async Task A_card_closed_in_Cards_is_refused_at_the_venue_once_its_event_arrives()
    {
        var site = await RedemptionSite.CreateAsync(system);
        var card = await site.IssueCardAsync(children: 1);
        await site.EventuallyRecordedAsync(card);

        (await site.Distributor.PostAsJsonAsync($"/api/cards/{card}/close", new { reason = "holder-request" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        await site.EventuallyRefusedAsync(card, "card-closed");
    }

    [Fact]
    public async Task A_replaced_cards_old_number_is_refused_and_its_new_number_accepted()
    {
        var site = await RedemptionSite.CreateAsync(system);
        var old = await site.IssueCardAsync(children: 2);
        await site.EventuallyRecordedAsync(old);

        var replaced = await (await site.Distributor.PostAsJsonAsync($"/api/cards/{old}/replace", new { reason = "lost" })).ShouldBeJsonAsync(HttpStatusCode.Created);
        var replacement = replaced.GetProperty("cardNumber").GetString()!;

        await site.EventuallyRefusedAsync(old, "card-closed");
        var use = await site.EventuallyRecordedAsync(replacement, children: 2);
        use.GetProperty("cardNumber").GetString().ShouldBe(replacement);
        use.GetProperty("children").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task The_same_key_sent_twice_at_once_records_one_use()
    {
        var site = await RedemptionSite.CreateAsync(system);
        var card = await site.IssueCardAsync(children: 1);
        await site.EventuallyRecordedAsync(card);
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(site.RecordAsync(card, key, children: 1), site.RecordAsync(card, key, children: 1));

        var first = await answers[0].ShouldBeJsonAsync(HttpStatusCode.Created);
        var second = await answers[1].ShouldBeJsonAsync(HttpStatusCode.Created);
        second.GetProperty("id").GetGuid().ShouldBe(first.GetProperty("id").GetGuid());
        var listed = await site.UsesAsync();
        listed.Count(u => u.GetProperty("id").GetGuid() == first.GetProperty("id").GetGuid()).ShouldBe(1);
        // The waiting recording above and this one: nothing else was recorded.
        listed.Count.ShouldBe(2);
    }
}

[Collection(nameof(StopsServices))]
public sealed class RedemptionOutageTests(SystemFixture system)
{
    [Fact]
    public async Task Uses_are_recorded_cancelled_and_refused_while_Cards_and_Venues_are_stopped()
    {
        var site = await RedemptionSite.CreateAsync(system);
        var card = await site.IssueCardAsync(children: 1);
        var community = await site.IssueCommunityCardAsync(groupSize: 4);
        // The replicas are in place once each card has been accepted at the venue.
        await site.EventuallyRecordedAsync(card);
        await site.EventuallyRecordedAsync(community, adults: 1, children: 3);
        var cards = system.System["cards"];
        var venues = system.System["venues"];

        try
        {
            await cards.StopAsync();
            await venues.StopAsync();
            var health = await (await system.Gateway.GetAsync("/health")).ShouldBeJsonAsync(HttpStatusCode.ServiceUnavailable);
            health.GetProperty("services").GetProperty("cards").GetProperty("status").GetString().ShouldBe("Unreachable");
            health.GetProperty("services").GetProperty("venues").GetProperty("status").GetString().ShouldBe("Unreachable");

            var key = Guid.NewGuid().ToString();
            var recorded = await (await site.RecordAsync(card, key, children: 1)).ShouldBeJsonAsync(HttpStatusCode.Created);
            var replayed = await (await site.RecordAsync(card, key, children: 1)).ShouldBeJsonAsync(HttpStatusCode.Created);
            replayed.GetProperty("id").GetGuid().ShouldBe(recorded.GetProperty("id").GetGuid());
            var second = await (await site.RecordAsync(card, Guid.NewGuid().ToString())).ShouldBeJsonAsync(HttpStatusCode.Created);
            var group = await (await site.RecordAsync(community, Guid.NewGuid().ToString(), adults: 2, children: 2)).ShouldBeJsonAsync(HttpStatusCode.Created);
            group.GetProperty("children").GetInt32().ShouldBe(2);

            var cancelled = await (await site.Venue.PostAsync($"/api/redemptions/{second.GetProperty("id").GetGuid()}/cancel", null)).ShouldBeJsonAsync(HttpStatusCode.OK);
            cancelled.GetProperty("status").GetString().ShouldBe("cancelled");
            await (await site.RecordAsync(card, Guid.NewGuid().ToString(), children: 2)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "too-many-children");
            await (await site.RecordAsync(community, Guid.NewGuid().ToString(), adults: 1, children: 4)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "group-too-large");

            var listed = await site.UsesAsync();
            listed.Count.ShouldBe(5);
            listed.Single(u => u.GetProperty("id").GetGuid() == second.GetProperty("id").GetGuid()).GetProperty("status").GetString().ShouldBe("cancelled");
        }
        finally
        {
            // The system is shared with every other test: whatever happened above, both services run again.
            await Task.WhenAll(new[] { cards, venues }.Where(r => r.State != ResourceState.Running).Select(r => r.StartAsync()));
        }

        await (await system.Gateway.GetAsync("/health")).ShouldBeJsonAsync(HttpStatusCode.OK);
        await (await system.Gateway.GetAsync($"/api/venues/{site.VenueId}")).ShouldBeJsonAsync(HttpStatusCode.OK);
        (await (await site.Distributor.GetAsync($"/api/cards/{card}/status")).ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("valid").GetBoolean().ShouldBeTrue();
        // Events flow again: a card issued now reaches the venue.
        await site.EventuallyRecordedAsync(await site.IssueCardAsync(children: 0));
    }
}

/// <summary>
/// An area of its own with a venue and an offering without a quota, a distributor unit, and site clients of the venue and
/// the unit with tokens from the token endpoint — all through the gateway.
/// </summary>
internal sealed class RedemptionSite
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);

    private readonly SystemFixture system;

    private RedemptionSite(SystemFixture system) => this.system = system;

    public Guid VenueId { get; private set; }

    public Guid OfferingId { get; private set; }

    public Guid DistributorId { get; private set; }

    /// <summary>The venue's own client, at its ticket desk.</summary>
    public HttpClient Venue { get; private set; } = null!;

    /// <summary>The distributor unit's client.</summary>
    public HttpClient Distributor { get; private set; } = null!;

    public static async Task<RedemptionSite> CreateAsync(SystemFixture system)
    {
        var site = new RedemptionSite(system);
        var admin = system.Admin;
        var area = $"r-{Guid.NewGuid():N}"[..12];
        (await admin.PostAsJsonAsync("/api/areas", new { code = area, name = new { fi = "Lunastusalue" }, municipalities = new[] { area } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        site.VenueId = await IdAsync(admin.PostAsJsonAsync("/api/venues",
            new { areaCode = area, name = new { fi = "Lunastusmuseo" }, category = "culture", municipality = area }));
        site.OfferingId = await IdAsync(admin.PostAsJsonAsync($"/api/venues/{site.VenueId}/offerings", new { title = "Perusnäyttely", kind = "admission" }));
        // The Cards service learns of areas, and Identity of venues and units, from events: the first attempts may be refused.
        site.DistributorId = await IdAsync(Eventually.MatchAsync(() => admin.PostAsJsonAsync("/api/distributors",
                new { areaCode = area, name = "Lunastusten aikuissosiaalityö", unitType = "adult-social-work" }),
            r => r.StatusCode == HttpStatusCode.Created, EventTimeout, "the Cards service to learn of the area"));
        site.Venue = await site.ClientAsync(new { name = "Lunastusmuseon kassa", role = "venue", venueIds = new[] { site.VenueId } });
        site.Distributor = await site.ClientAsync(new { name = "Lunastusten aikuissosiaalityö", role = "distributor", distributorId = site.DistributorId });
        return site;
    }

    public async Task<string> IssueCardAsync(int children) => await CardNumberAsync(
        Distributor.PostAsJsonAsync("/api/cards", new { kind = "personal", birthYear = 1984, postalCode = "60100", children }));

    public async Task<string> IssueCommunityCardAsync(int groupSize) => await CardNumberAsync(
        Distributor.PostAsJsonAsync("/api/cards", new { kind = "community", groupSize }));

    /// <summary>Records a use at the venue's one offering as the venue's own client.</summary>
    public async Task<HttpResponseMessage> RecordAsync(string cardNumber, string key, int adults = 1, int children = 0)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/redemptions")
        {
            Content = JsonContent.Create(new { cardNumber, venueId = VenueId, offeringId = OfferingId, adults, children }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await Venue.SendAsync(request);
    }

    /// <summary>Records a use as soon as the Redemptions service accepts it: once the card's events have arrived.</summary>
    public async Task<JsonElement> EventuallyRecordedAsync(string cardNumber, int adults = 1, int children = 0) =>
        await (await Eventually.MatchAsync(() => RecordAsync(cardNumber, Guid.NewGuid().ToString(), adults, children),
            r => r.StatusCode == HttpStatusCode.Created, EventTimeout, $"a use of card {cardNumber} to be recorded")).ShouldBeJsonAsync(HttpStatusCode.Created);

    /// <summary>Records uses until one is refused (each under a new key), then checks why.</summary>
    public async Task EventuallyRefusedAsync(string cardNumber, string code) =>
        await (await Eventually.MatchAsync(() => RecordAsync(cardNumber, Guid.NewGuid().ToString()),
            r => r.StatusCode != HttpStatusCode.Created, EventTimeout, $"card {cardNumber} to be refused")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, code);

    /// <summary>The venue's uses, newest first.</summary>
    public async Task<List<JsonElement>> UsesAsync() =>
        (await (await Venue.GetAsync($"/api/redemptions?venueId={VenueId}&pageSize=100")).ShouldBeJsonAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().ToList();

    private async Task<HttpClient> ClientAsync(object request)
    {
        var response = await Eventually.MatchAsync(() => system.Admin.PostAsJsonAsync("/api/clients", request),
            r => r.StatusCode == HttpStatusCode.Created, EventTimeout, "Identity to learn of the site");
        var created = await response.ShouldBeJsonAsync(HttpStatusCode.Created);
        var token = await system.TokenAsync(created.GetProperty("clientId").GetString()!, created.GetProperty("clientSecret").GetString()!);
        return new HttpClient { BaseAddress = new Uri(system.System.GatewayUrl) }.As(token);
    }

    private static async Task<Guid> IdAsync(Task<HttpResponseMessage> created) =>
        (await (await created).ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private static async Task<string> CardNumberAsync(Task<HttpResponseMessage> issued) =>
        (await (await issued).ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("cardNumber").GetString()!;
}
