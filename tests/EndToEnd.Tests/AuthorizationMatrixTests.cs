using System.Net;
using System.Net.Http.Json;
using Kaikukortti.Contracts;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using MassTransit;

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>
/// Every route that exists, through the gateway, with every kind of caller: one client of each role scoped to area A,
/// a coordinator of area B (wrong scope, same role), an expired token, a revoked client and no token.
/// Later issues add their routes as rows.
/// </summary>
public sealed class AuthorizationMatrixTests(SystemFixture system)
{
    private static readonly string[] Callers = ["admin", "coordinator", "coordinator-b", "distributor", "venue", "partner", "statistics", "expired", "revoked", "anonymous"];

    // One row per route; one status per caller, in the order of Callers.
    private const string Matrix = """
        route                                admin coordinator coordinator-b distributor venue partner statistics expired revoked anonymous
        GET /api/areas                        200   200         200           200         200   200     200        401     401     200
        GET /api/areas/{area}                 200   200         200           200         200   200     200        401     401     200
        POST /api/areas                       201   403         403           403         403   403     403        401     401     401
        GET /api/statistics/summary           200   200         200           200         200   200     200        401     401     200
        GET /api/clients                      200   200         200           403         403   403     403        401     401     401
        POST /api/clients                     201   201         403           403         403   403     403        401     401     401
        DELETE /api/clients/{client}          204   204         404           403         403   403     403        401     401     401
        GET /docs                             200   200         200           200         200   200     200        401     401     200
        """;

    private readonly string areaA = $"a-{Guid.NewGuid():N}"[..12];
    private readonly string areaB = $"b-{Guid.NewGuid():N}"[..12];
    private readonly Guid venueA = Guid.NewGuid();
    private readonly Guid distributorA = Guid.NewGuid();

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
        var path = route.Replace("{area}", areaA);
        if (route.Contains("{client}")) path = path.Replace("{client}", (await NewClientAsync(system.Admin, "statistics", areaA)).ClientId);
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = (method, route) switch
            {
                ("POST", "/api/areas") => JsonContent.Create(new { code = $"m-{Guid.NewGuid():N}"[..12], name = new { fi = "Matriisi" }, municipalities = new[] { "Matriisi" } }),
                ("POST", "/api/clients") => JsonContent.Create(new { name = "Lipputiski", role = "venue", venueIds = new[] { venueA } }),
                _ => null,
            },
        };
        return await caller.SendAsync(request);
    }

    /// <summary>Areas A and B through the API; a venue and a distributor in A as the Venues and Cards services will announce them.</summary>
    private async Task PrepareAreasAsync()
    {
        foreach (var area in new[] { areaA, areaB })
            (await system.Admin.PostAsJsonAsync("/api/areas", new { code = area, name = new { fi = area }, municipalities = new[] { area } }))
                .StatusCode.ShouldBe(HttpStatusCode.Created);

        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            var broker = new Uri(system.System.GetConnectionString("rabbitmq"));
            rabbit.Host(broker.Host, (ushort)broker.Port, "/", h => { h.Username("guest"); h.Password("guest"); });
        });
        await bus.StartAsync();
        try
        {
            var now = DateTimeOffset.UtcNow;
            await bus.Publish(new VenueRegistered
            {
                VenueId = venueA, AreaCode = areaA, Name = new LocalizedName { Fi = "Teatteri" }, Category = "culture",
                Municipality = areaA, AcceptsOtherAreas = true, Active = true, RegisteredAt = now,
            });
            await bus.Publish(new DistributorRegistered
            {
                DistributorId = distributorA, AreaCode = areaA, Name = "Aikuissosiaalityö", UnitType = "adult-social-work", Active = true, RegisteredAt = now,
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
            ["partner"] = await ClientWithTokenAsync(new { name = "Lippupalvelu", role = "partner", venueIds = new[] { venueA } }),
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
