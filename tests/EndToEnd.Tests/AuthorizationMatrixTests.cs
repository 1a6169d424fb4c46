using System.Net;
using System.Net.Http.Json;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using MassTransit;

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
    // venue of area A made for that one request; {offering} one of {venue}'s offerings.
    private const string Matrix = """
        route                                          admin coordinator coordinator-b distributor venue venue-b partner statistics expired revoked anonymous
        GET /api/areas                                  200   200         200           200         200   200     200     200        401     401     200
        GET /api/areas/{area}                           200   200         200           200         200   200     200     200        401     401     200
        POST /api/areas                                 201   403         403           403         403   403     403     403        401     401     401
        GET /api/statistics/summary                     200   200         200           200         200   200     200     200        401     401     200
        GET /api/clients                                200   200         200           403         403   403     403     403        401     401     401
        POST /api/clients                               201   201         403           403         403   403     403     403        401     401     401
        DELETE /api/clients/{client}                    204   204         404           403         403   403     403     403        401     401     401
        GET /api/venues                                 200   200         200           200         200   200     200     200        401     401     200
        GET /api/venues/{venue}                         200   200         200           200         200   200     200     200        401     401     200
        POST /api/venues                                201   201         403           403         403   403     403     403        401     401     401
        PUT /api/venues/{venue}                         200   200         403           403         403   403     403     403        401     401     401
        POST /api/venues/{new-venue}/deactivate         200   200         403           403         403   403     403     403        401     401     401
        POST /api/venues/{new-venue}/activate           200   200         403           403         403   403     403     403        401     401     401
        GET /api/venues/{venue}/offerings               200   200         200           200         200   200     200     200        401     401     200
        POST /api/venues/{venue}/offerings              201   201         403           403         201   403     201     403        401     401     401
        PUT /api/venues/{venue}/offerings/{offering}    200   200         403           403         200   403     200     403        401     401     401
        GET /docs                                       200   200         200           200         200   200     200     200        401     401     200
        """;

    private readonly string areaA = $"a-{Guid.NewGuid():N}"[..12];
    private readonly string areaB = $"b-{Guid.NewGuid():N}"[..12];
    private readonly Guid distributorA = Guid.NewGuid();
    private Guid venueA;
    private Guid venueB;
    private Guid offeringA;

    [Fact]
    public async Task Every_route_answers_every_caller_with_exactly_the_expected_status()
    {
        await PrepareAreasAsync();
        var callers = await CallersAsync();

        var mismatches = new List<string>();
        foreach (var row in Matrix.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1))
        {
            var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (method, route, expected) = (cells[0], cells[1], cells[2..].Select(int.Parse).ToArray());
            for (var i = 0; i < Callers.Length; i++)
            {
                var actual = (int)(await SendAsync(callers[Callers[i]], method, route)).StatusCode;
                if (actual != expected[i]) mismatches.Add($"{method} {route} as {Callers[i]}: expected {expected[i]}, got {actual}");
            }
        }

        mismatches.ShouldBeEmpty();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient caller, string method, string route)
    {
        var path = route.Replace("{area}", areaA).Replace("{venue}", venueA.ToString()).Replace("{offering}", offeringA.ToString());
        if (route.Contains("{client}")) path = path.Replace("{client}", (await NewClientAsync(system.Admin, "statistics", areaA)).ClientId);
        if (route.Contains("{new-venue}")) path = path.Replace("{new-venue}", (await NewVenueAsync(areaA)).ToString());
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = (method, route) switch
            {
                ("POST", "/api/areas") => JsonContent.Create(new { code = $"m-{Guid.NewGuid():N}"[..12], name = new { fi = "Matriisi" }, municipalities = new[] { "Matriisi" } }),
                ("POST", "/api/clients") => JsonContent.Create(new { name = "Lipputiski", role = "venue", venueIds = new[] { venueA } }),
                ("POST", "/api/venues") or ("PUT", "/api/venues/{venue}") => JsonContent.Create(Venue(areaA)),
                ("POST", "/api/venues/{venue}/offerings") or ("PUT", "/api/venues/{venue}/offerings/{offering}") => JsonContent.Create(Offering),
                _ => null,
            },
        };
        return await caller.SendAsync(request);
    }

    private static readonly object Offering = new { title = "Joulukonsertti", kind = "admission", quota = new { tickets = 10, per = "event" } };

    private static object Venue(string area) => new { areaCode = area, name = new { fi = "Matriisiteatteri" }, category = "culture", municipality = area };

    private async Task<Guid> NewVenueAsync(string area) =>
        (await (await system.Admin.PostAsJsonAsync("/api/venues", Venue(area))).ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    /// <summary>
    /// Areas A and B, a venue in each and an offering through the API; a distributor in A as the Cards service will
    /// announce it (that service has no API yet).
    /// </summary>
    private async Task PrepareAreasAsync()
    {
        foreach (var area in new[] { areaA, areaB })
            (await system.Admin.PostAsJsonAsync("/api/areas", new { code = area, name = new { fi = area }, municipalities = new[] { area } }))
                .StatusCode.ShouldBe(HttpStatusCode.Created);
        (venueA, venueB) = (await NewVenueAsync(areaA), await NewVenueAsync(areaB));
        offeringA = (await (await system.Admin.PostAsJsonAsync($"/api/venues/{venueA}/offerings", Offering)).ShouldBeJsonAsync(HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            var broker = new Uri(system.System.GetConnectionString("rabbitmq"));
            rabbit.Host(broker.Host, (ushort)broker.Port, "/", h => { h.Username("guest"); h.Password("guest"); });
        });
        await bus.StartAsync();
        try
        {
            await bus.Publish(new DistributorRegistered
            {
                DistributorId = distributorA, AreaCode = areaA, Name = "Aikuissosiaalityö", UnitType = "adult-social-work", Active = true, RegisteredAt = DateTimeOffset.UtcNow,
            });
        }
        finally
        {
            await bus.StopAsync();
        }
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
