using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kaikukortti.TestSupport;

namespace Kaikukortti.Identity.Tests;

public sealed class ClientsApiTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private static readonly Guid SeinajokiVenue = Guid.NewGuid();
    private static readonly Guid OuluVenue = Guid.NewGuid();
    private static readonly Guid SeinajokiDistributor = Guid.NewGuid();

    private IdentityService identity = null!;
    private string admin = null!;

    public async ValueTask InitializeAsync()
    {
        identity = await IdentityService.StartAsync(postgres, rabbitMq);
        await identity.LearnAsync("seinajoki", [SeinajokiVenue], [SeinajokiDistributor]);
        await identity.LearnAsync("oulu", [OuluVenue]);
        admin = await identity.AdminTokenAsync();
    }

    public ValueTask DisposeAsync() => identity.DisposeAsync();

    [Fact]
    public async Task The_national_admin_creates_a_client_of_every_role_whose_secret_then_works()
    {
        object[] requests =
        [
            new { name = "Kaikukeskus", role = "national-admin" },
            new { name = "Seinäjoki coordinator", role = "area-coordinator", areaCode = "seinajoki" },
            new { name = "Aikuissosiaalityö", role = "distributor", distributorId = SeinajokiDistributor },
            new { name = "Seinäjoen kaupunginteatteri", role = "venue", venueIds = new[] { SeinajokiVenue } },
            new { name = "Lippupalvelu", role = "partner", venueIds = new[] { SeinajokiVenue, OuluVenue } },
            new { name = "THL", role = "statistics" },
        ];

        foreach (var request in requests)
        {
            var (clientId, secret) = await identity.CreateClientAsync(admin, request);
            (await identity.TokenAsync(clientId, secret)).ShouldNotBeNullOrEmpty();
        }

        using var asAdmin = identity.As(admin);
        var listed = await (await asAdmin.GetAsync("/api/clients")).ShouldBeJsonAsync(HttpStatusCode.OK);
        listed.GetArrayLength().ShouldBe(requests.Length + 1);
        listed.EnumerateArray().SelectMany(c => c.EnumerateObject().Select(p => p.Name)).ShouldNotContain(name => name.Contains("ecret"));
        var venue = listed.EnumerateArray().Single(c => c.GetProperty("role").GetString() == "venue");
        venue.GetProperty("areaCode").GetString().ShouldBe("seinajoki");
        venue.GetProperty("createdBy").GetString().ShouldBe("kaiku-admin");
    }

    [Fact]
    public async Task An_area_coordinator_manages_site_clients_of_its_own_area_only()
    {
        var coordinator = await TokenOfNewClientAsync(admin, new { name = "Seinäjoki coordinator", role = "area-coordinator", areaCode = "seinajoki" });
        var ouluVenue = await identity.CreateClientAsync(admin, new { name = "Oulun teatteri", role = "venue", venueIds = new[] { OuluVenue } });
        using var asCoordinator = identity.As(coordinator);

        var own = await identity.CreateClientAsync(coordinator, new { name = "Teatteri", role = "venue", venueIds = new[] { SeinajokiVenue } });
        await (await asCoordinator.PostJsonAsync("/api/clients", new { name = "Oulu", role = "venue", venueIds = new[] { OuluVenue } }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "client-scope-outside-area");
        await (await asCoordinator.PostJsonAsync("/api/clients", new { name = "Another coordinator", role = "area-coordinator", areaCode = "seinajoki" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "client-role-not-allowed");

        var listed = await (await asCoordinator.GetAsync("/api/clients")).ShouldBeJsonAsync(HttpStatusCode.OK);
        listed.EnumerateArray().Select(c => c.GetProperty("clientId").GetString()).ShouldBe([own.ClientId]);

        await (await asCoordinator.DeleteAsync($"/api/clients/{ouluVenue.ClientId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "client-not-found");
        (await asCoordinator.DeleteAsync($"/api/clients/{own.ClientId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await identity.TokenAsync(ouluVenue.ClientId, ouluVenue.Secret)).ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Site_clients_other_than_admins_and_coordinators_manage_no_clients()
    {
        var venue = await TokenOfNewClientAsync(admin, new { name = "Teatteri", role = "venue", venueIds = new[] { SeinajokiVenue } });
        using var asVenue = identity.As(venue);

        await (await asVenue.PostJsonAsync("/api/clients", new { name = "x", role = "venue", venueIds = new[] { SeinajokiVenue } }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await asVenue.GetAsync("/api/clients")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await asVenue.DeleteAsync("/api/clients/kaiku-admin")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using var anonymous = identity.Anonymous();
        await (await anonymous.GetAsync("/api/clients")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Invalid_requests_are_400_problems_and_create_nothing()
    {
        using var asAdmin = identity.As(admin);

        await (await asAdmin.PostJsonAsync("/api/clients", new { name = "x", role = "venue", venueIds = new[] { Guid.NewGuid() } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "venue-unknown");
        await (await asAdmin.PostJsonAsync("/api/clients", new { name = "x", role = "root" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "client-role-invalid");
        await (await asAdmin.PostJsonAsync("/api/clients", new { name = "x", role = "area-coordinator", areaCode = "atlantis" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "area-unknown");
        await (await asAdmin.PostRawJsonAsync("/api/clients", """{"name":"x","role":"statistics","password":"p"}""")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad-request");
        await (await asAdmin.PostRawJsonAsync("/api/clients", """{"name":"x","role":"venue","venueIds":["not-a-guid"]}""")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad-request");

        (await (await asAdmin.GetAsync("/api/clients")).ShouldBeJsonAsync(HttpStatusCode.OK)).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Revoking_is_idempotent_lists_the_client_for_the_gateway_and_cannot_hit_oneself()
    {
        var (clientId, _) = await identity.CreateClientAsync(admin, new { name = "Old", role = "statistics" });
        using var asAdmin = identity.As(admin);

        (await asAdmin.DeleteAsync($"/api/clients/{clientId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await asAdmin.DeleteAsync($"/api/clients/{clientId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await asAdmin.DeleteAsync("/api/clients/kaiku-admin")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "client-revoke-self");

        using var internalCaller = identity.Anonymous();
        var revoked = await internalCaller.GetFromJsonAsync<string[]>("/internal/revoked-clients");
        revoked.ShouldBe([clientId]);
        var listed = await (await asAdmin.GetAsync("/api/clients")).ShouldBeJsonAsync(HttpStatusCode.OK);
        listed.EnumerateArray().Single(c => c.GetProperty("clientId").GetString() == clientId).GetProperty("revokedAt").ValueKind.ShouldBe(JsonValueKind.String);
    }

    private async Task<string> TokenOfNewClientAsync(string creator, object request)
    {
        var (clientId, secret) = await identity.CreateClientAsync(creator, request);
        return await identity.TokenAsync(clientId, secret);
    }
}
