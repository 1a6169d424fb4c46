using System.Net;
using System.Net.Http.Json;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>
/// Every route that exists, through the gateway, with every kind of caller: one client of each role scoped to area A,
/// a coordinator and a venue of area B (wrong scope, same role), an expired token, a revoked client and no token.
/// Later issues add their routes as rows.
/// </summary>
public sealed class AuthorizationMatrixTests(SystemFixture system)
{
    private static readonly string[] Callers =
        ["admin", "coordinator", "coordinator-b", "distributor", "venue", "venue-b", "partner", "statistics", "expired", "revoked", "anonymous"];

    // One row per route; one status per caller, in the order of Callers. {venue} is a venue of area A; {new-venue} a
    // venue of area A made for that one request; {offering} one of {venue}'s offerings. {distributor} is a distributor
    // unit of area A (the distributor caller's); {new-distributor} one made for that one request. {card} is a card
    // {distributor} issued; {new-card} one it issued for that one request. {new-use} is a use of {card} at {venue} that the
    // venue caller recorded for that one request. A batch answers 200 to any site client and refuses item by item: a
    // route ending in #item checks the status of the batch's one item instead of the HTTP status.
    private const string ItemStatus = "#item";

    private const string Matrix = """
        route                                                admin coordinator coordinator-b distributor venue venue-b partner statistics expired revoked anonymous
        GET /api/areas                                       200   200         200           200         200   200     200     200        401     401     200
        GET /api/areas/{area}                                200   200         200           200         200   200     200     200        401     401     200
        POST /api/areas                                      201   403         403           403         403   403     403     403        401     401     401
        GET /api/statistics/summary                          200   200         200           200         200   200     200     200        401     401     200
        GET /api/statistics/annual                           200   200         200           200         200   200     200     200        401     401     200
        GET /api/statistics/uses?groupBy=month               200   200         200           200         200   200     200     200        401     401     200
        GET /api/statistics/flows                            200   200         200           200         200   200     200     200        401     401     200
        GET /api/clients                                     200   200         200           403         403   403     403     403        401     401     401
        POST /api/clients                                    201   201         403           403         403   403     403     403        401     401     401
        DELETE /api/clients/{client}                         204   204         404           403         403   403     403     403        401     401     401
        GET /api/venues                                      200   200         200           200         200   200     200     200        401     401     200
        GET /api/venues/{venue}                              200   200         200           200         200   200     200     200        401     401     200
        POST /api/venues                                     201   201         403           403         403   403     403     403        401     401     401
        PUT /api/venues/{venue}                              200   200         403           403         403   403     403     403        401     401     401
        POST /api/venues/{new-venue}/deactivate              200   200         403           403         403   403     403     403        401     401     401
        POST /api/venues/{new-venue}/activate                200   200         403           403         403   403     403     403        401     401     401
        GET /api/venues/{venue}/offerings                    200   200         200           200         200   200     200     200        401     401     200
        POST /api/venues/{venue}/offerings                   201   201         403           403         201   403     201     403        401     401     401
        PUT /api/venues/{venue}/offerings/{offering}         200   200         403           403         200   403     200     403        401     401     401
        GET /api/distributors                                200   200         200           200         200   200     200     200        401     401     401
        GET /api/distributors?area={area}                    200   200         200           200         200   200     200     200        401     401     401
        GET /api/distributors/{distributor}                  200   200         200           200         200   200     200     200        401     401     401
        POST /api/distributors                               201   201         403           403         403   403     403     403        401     401     401
        POST /api/distributors/{new-distributor}/deactivate  200   200         403           403         403   403     403     403        401     401     401
        POST /api/distributors/{new-distributor}/activate    200   200         403           403         403   403     403     403        401     401     401
        POST /api/cards                                      201   201         403           201         403   403     403     403        401     401     401
        GET /api/cards?distributorId={distributor}           200   200         403           200         403   403     403     403        401     401     401
        GET /api/cards/{card}                                200   200         403           200         403   403     403     403        401     401     401
        GET /api/cards/{card}/status                         200   200         200           200         200   200     200     403        401     401     401
        GET /api/cards/{card}/qr.svg                         200   200         403           200         403   403     403     403        401     401     401
        POST /api/cards/{new-card}/renew                     200   200         403           200         403   403     403     403        401     401     401
        POST /api/cards/{new-card}/close                     200   200         403           200         403   403     403     403        401     401     401
        POST /api/cards/{new-card}/replace                   201   201         403           201         403   403     403     403        401     401     401
        GET /api/cards/audit                                 200   200         200           403         403   403     403     403        401     401     401
        GET /api/cards/audit?area={area}                     200   200         403           403         403   403     403     403        401     401     401
        GET /api/cards/totals                                200   403         403           403         403   403     403     403        401     401     401
        POST /api/redemptions                                403   403         403           403         201   403     201     403        401     401     401
        POST /api/redemptions/batch                          200   200         200           200         200   200     200     200        401     401     401
        POST /api/redemptions/batch#item                     403   403         403           403         201   403     201     403        401     401     401
        POST /api/redemptions/import                         200   403         403           403         403   403     403     403        401     401     401
        POST /api/redemptions/{new-use}/cancel               404   404         404           404         200   404     200     404        401     401     401
        GET /api/redemptions?venueId={venue}                 200   200         403           403         200   403     200     403        401     401     401
        GET /api/redemptions/totals                          200   403         403           403         403   403     403     403        401     401     401
        GET /docs                                            200   200         200           200         200   200     200     200        401     401     200
        """;

    private readonly string areaA = $"a-{Guid.NewGuid():N}"[..12];
    private readonly string areaB = $"b-{Guid.NewGuid():N}"[..12];
    private Guid distributorA;
    private string cardA = "";
    private Guid venueA;
    private Guid venueB;
    private Guid offeringA;
    // The redemption rows record some twenty uses: at an offering without a quota, so that none is refused as sold out.
    private Guid openOfferingA;
    private HttpClient venueCaller = null!;

    [Fact]
    public async Task Every_route_answers_every_caller_with_exactly_the_expected_status()
    {
        await PrepareAreasAsync();
        var callers = await CallersAsync();
        venueCaller = callers["venue"];
        // Redemptions learns of cards, venues and offerings from events: until they have arrived a use is refused.
        await Eventually.TrueAsync(async () => (await RecordAsync(venueCaller)).StatusCode == HttpStatusCode.Created,
            TimeSpan.FromSeconds(15), "the Redemptions service to learn of card A, venue A and its offering");

        var mismatches = new List<string>();
        foreach (var row in Matrix.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1))
        {
            var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (method, route, expected) = (cells[0], cells[1], cells[2..].Select(int.Parse).ToArray());
            for (var i = 0; i < Callers.Length; i++)
            {
                var actual = await StatusAsync(callers[Callers[i]], method, route);
                if (actual != expected[i]) mismatches.Add($"{method} {route} as {Callers[i]}: expected {expected[i]}, got {actual}");
            }
        }

        mismatches.ShouldBeEmpty();
    }

    private async Task<int> StatusAsync(HttpClient caller, string method, string route)
    {
        var response = await SendAsync(caller, method, route.Replace(ItemStatus, ""));
        if (!route.EndsWith(ItemStatus) || response.StatusCode != HttpStatusCode.OK) return (int)response.StatusCode;
        return (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("results").EnumerateArray().Single().GetProperty("status").GetInt32();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient caller, string method, string route)
    {
        var path = route.Replace("{area}", areaA).Replace("{venue}", venueA.ToString()).Replace("{offering}", offeringA.ToString())
            .Replace("{distributor}", distributorA.ToString()).Replace("{card}", cardA);
        if (route.Contains("{client}")) path = path.Replace("{client}", (await NewClientAsync(system.Admin, "statistics", areaA)).ClientId);
        if (route.Contains("{new-venue}")) path = path.Replace("{new-venue}", (await NewVenueAsync(areaA)).ToString());
        if (route.Contains("{new-distributor}")) path = path.Replace("{new-distributor}", (await NewDistributorAsync(areaA)).ToString());
        if (route.Contains("{new-card}")) path = path.Replace("{new-card}", await NewCardAsync());
        if (route.Contains("{new-use}")) path = path.Replace("{new-use}", (await NewUseAsync()).ToString());
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = (method, route) switch
            {
                ("POST", "/api/areas") => JsonContent.Create(new { code = $"m-{Guid.NewGuid():N}"[..12], name = new { fi = "Matriisi" }, municipalities = new[] { "Matriisi" } }),
                ("POST", "/api/clients") => JsonContent.Create(new { name = "Lipputiski", role = "venue", venueIds = new[] { venueA } }),
                ("POST", "/api/venues") or ("PUT", "/api/venues/{venue}") => JsonContent.Create(Venue(areaA)),
                ("POST", "/api/venues/{venue}/offerings") or ("PUT", "/api/venues/{venue}/offerings/{offering}") => JsonContent.Create(Offering),
                ("POST", "/api/distributors") => JsonContent.Create(Distributor(areaA)),
                ("POST", "/api/cards") => JsonContent.Create(PersonalCard),
                ("POST", "/api/cards/{new-card}/close") => JsonContent.Create(new { reason = "holder-request" }),
                ("POST", "/api/cards/{new-card}/replace") => JsonContent.Create(new { reason = "lost" }),
                ("POST", "/api/redemptions") => JsonContent.Create(Redemption),
                ("POST", "/api/redemptions/batch") => JsonContent.Create(new { items = new[] { BatchItem } }),
                ("POST", "/api/redemptions/import") => JsonContent.Create(new { items = new[] { ImportedItem } }),
                _ => null,
            },
        };
        if ((method, route) is ("POST", "/api/redemptions")) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await caller.SendAsync(request);
    }

    private static readonly object Offering = new { title = "Joulukonsertti", kind = "admission", quota = new { tickets = 10, per = "event" } };

    private static object Venue(string area) => new { areaCode = area, name = new { fi = "Matriisiteatteri" }, category = "culture", municipality = area };

    private static object Distributor(string area) => new { areaCode = area, name = $"Aikuissosiaalityö {Guid.NewGuid():N}", unitType = "adult-social-work" };

    private object Redemption => new { cardNumber = cardA, venueId = venueA, offeringId = openOfferingA };

    private object BatchItem => new { idempotencyKey = Guid.NewGuid().ToString(), cardNumber = cardA, venueId = venueA, offeringId = openOfferingA };

    private object ImportedItem => new { idempotencyKey = Guid.NewGuid().ToString(), cardNumber = cardA, venueId = venueA, offeringId = openOfferingA, occurredAt = DateTimeOffset.UtcNow };

    private object PersonalCard => new { distributorId = distributorA, kind = "personal", birthYear = 1980, postalCode = "60100", children = 1 };

    private async Task<Guid> NewVenueAsync(string area) =>
        (await (await system.Admin.PostAsJsonAsync("/api/venues", Venue(area))).ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private async Task<Guid> NewDistributorAsync(string area) =>
        (await (await system.Admin.PostAsJsonAsync("/api/distributors", Distributor(area))).ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    /// <summary>Records a use of card A at venue A, under a key of its own.</summary>
    private async Task<HttpResponseMessage> RecordAsync(HttpClient caller)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/redemptions") { Content = JsonContent.Create(Redemption) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await caller.SendAsync(request);
    }

    private async Task<Guid> NewUseAsync() =>
        (await (await RecordAsync(venueCaller)).ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private async Task<string> NewCardAsync() =>
        (await (await system.Admin.PostAsJsonAsync("/api/cards", PersonalCard)).ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("cardNumber").GetString()!;

    /// <summary>
    /// Areas A and B, a venue in each and two offerings at A's (one with a quota, one without), a distributor unit in A and a
    /// card it issued, all through the API.
    /// </summary>
    private async Task PrepareAreasAsync()
    {
        foreach (var area in new[] { areaA, areaB })
            (await system.Admin.PostAsJsonAsync("/api/areas", new { code = area, name = new { fi = area }, municipalities = new[] { area } }))
                .StatusCode.ShouldBe(HttpStatusCode.Created);
        (venueA, venueB) = (await NewVenueAsync(areaA), await NewVenueAsync(areaB));
        offeringA = (await (await system.Admin.PostAsJsonAsync($"/api/venues/{venueA}/offerings", Offering)).ShouldBeJsonAsync(HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        openOfferingA = (await (await system.Admin.PostAsJsonAsync($"/api/venues/{venueA}/offerings", new { title = "Avoimet ovet", kind = "admission" }))
            .ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        // The Cards service learns of areas from Venues' AreaRegistered events: until A's arrives, A is an unknown area.
        var registered = await Eventually.MatchAsync(() => system.Admin.PostAsJsonAsync("/api/distributors", Distributor(areaA)),
            r => r.StatusCode == HttpStatusCode.Created, TimeSpan.FromSeconds(15), "the Cards service to learn of area A");
        distributorA = (await registered.ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        cardA = await NewCardAsync();
    }

    private async Task<Dictionary<string, HttpClient>> CallersAsync()
    {
        var coordinator = await ClientWithTokenAsync(new { name = "Koordinaattori A", role = "area-coordinator", areaCode = areaA });
        var revoked = await NewClientAsync(system.Admin, "area-coordinator", areaA);
        var revokedCaller = Caller(await system.TokenAsync(revoked.ClientId, revoked.Secret));
        (await system.Admin.DeleteAsync($"/api/clients/{revoked.ClientId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        // The gateway learns of revocations by polling Identity: wait until this one is refused.
        await Eventually.TrueAsync(async () => (await revokedCaller.GetAsync("/api/areas")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(10), "the gateway to refuse the revoked client's token");

        using var keyRing = new Tokens(system.System.KeyRingDirectory);
        return new()
        {
            ["admin"] = system.Admin,
            ["coordinator"] = coordinator,
            ["coordinator-b"] = await ClientWithTokenAsync(new { name = "Koordinaattori B", role = "area-coordinator", areaCode = areaB }),
            // Venue and distributor clients need Identity to have learned of them: the first attempts may be refused.
            ["distributor"] = await EventuallyClientWithTokenAsync(new { name = "Jakaja", role = "distributor", distributorId = distributorA }),
            ["venue"] = await EventuallyClientWithTokenAsync(new { name = "Kohde", role = "venue", venueIds = new[] { venueA } }),
            ["venue-b"] = await EventuallyClientWithTokenAsync(new { name = "Kohde B", role = "venue", venueIds = new[] { venueB } }),
            ["partner"] = await EventuallyClientWithTokenAsync(new { name = "Lippupalvelu", role = "partner", venueIds = new[] { venueA } }),
            ["statistics"] = await ClientWithTokenAsync(new { name = "Tilastot", role = "statistics", areaCode = areaA }),
            ["expired"] = Caller(keyRing.Expired(new SiteClient("kaiku-admin", Roles.NationalAdmin, null, null, []))),
            ["revoked"] = revokedCaller,
            ["anonymous"] = system.Gateway,
        };
    }

    private async Task<(string ClientId, string Secret)> NewClientAsync(HttpClient creator, string role, string areaCode)
    {
        var created = await (await creator.PostAsJsonAsync("/api/clients", new { name = $"{role} {areaCode}", role, areaCode })).ShouldBeJsonAsync(HttpStatusCode.Created);
        return (created.GetProperty("clientId").GetString()!, created.GetProperty("clientSecret").GetString()!);
    }

    private async Task<HttpClient> ClientWithTokenAsync(object request)
    {
        var created = await (await system.Admin.PostAsJsonAsync("/api/clients", request)).ShouldBeJsonAsync(HttpStatusCode.Created);
        return Caller(await system.TokenAsync(created.GetProperty("clientId").GetString()!, created.GetProperty("clientSecret").GetString()!));
    }

    private async Task<HttpClient> EventuallyClientWithTokenAsync(object request)
    {
        var response = await Eventually.MatchAsync(() => system.Admin.PostAsJsonAsync("/api/clients", request),
            r => r.StatusCode == HttpStatusCode.Created, TimeSpan.FromSeconds(15), "Identity to learn the site");
        var created = await response.ShouldBeJsonAsync(HttpStatusCode.Created);
        return Caller(await system.TokenAsync(created.GetProperty("clientId").GetString()!, created.GetProperty("clientSecret").GetString()!));
    }

    private HttpClient Caller(string token) => new HttpClient { BaseAddress = new Uri(system.System.GatewayUrl) }.As(token);
}
