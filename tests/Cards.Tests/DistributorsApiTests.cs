using System.Net;
using System.Text.Json;
using Dapper;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;

namespace Kaikukortti.Cards.Tests;

public sealed class DistributorsApiTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private CardsService cards = null!;

    public async ValueTask InitializeAsync() => cards = await CardsService.StartAsync(postgres, rabbitMq);

    public async ValueTask DisposeAsync() => await cards.DisposeAsync();

    private object Unit(string? area = null, string name = "Mielenterveyspalvelut", string unitType = "mental-health") =>
        new { areaCode = area ?? cards.Area, name, unitType };

    [Fact]
    public async Task A_registered_distributor_can_be_read_at_its_location_and_is_announced_once()
    {
        var response = await cards.Admin.PostJsonAsync("/api/distributors", Unit(name: "  Mielenterveyspalvelut  "));
        var location = response.Headers.Location;
        var body = await response.ShouldBeJsonAsync(HttpStatusCode.Created);

        var id = body.GetProperty("id").GetGuid();
        location!.OriginalString.ShouldBe($"/api/distributors/{id}");
        (body.GetProperty("areaCode").GetString(), body.GetProperty("name").GetString(), body.GetProperty("unitType").GetString(), body.GetProperty("active").GetBoolean())
            .ShouldBe((cards.Area, "Mielenterveyspalvelut", "mental-health", true));
        body.GetProperty("registeredAt").GetDateTimeOffset().ShouldBe(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        var read = await (await cards.Admin.GetAsync(location)).ShouldBeJsonAsync(HttpStatusCode.OK);
        read.GetProperty("name").GetString().ShouldBe("Mielenterveyspalvelut");

        var announced = (await cards.EventsAsync()).Where(e => e.Type == "DistributorRegistered" && e.Body.GetProperty("distributorId").GetGuid() == id).ToList();
        announced.Count.ShouldBe(1);
        (announced[0].Body.GetProperty("areaCode").GetString(), announced[0].Body.GetProperty("unitType").GetString(), announced[0].Body.GetProperty("active").GetBoolean())
            .ShouldBe((cards.Area, "mental-health", true));
    }

    [Fact]
    public async Task The_areas_coordinator_registers_distributors_in_its_own_area()
    {
        using var coordinator = cards.AsCoordinator(cards.Area);

        var registered = await (await coordinator.PostJsonAsync("/api/distributors", Unit())).ShouldBeJsonAsync(HttpStatusCode.Created);

        registered.GetProperty("areaCode").GetString().ShouldBe(cards.Area);
        (await DistributorCountAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task Only_the_national_admin_and_the_areas_coordinator_register_distributors()
    {
        using var otherCoordinator = cards.AsCoordinator(cards.OtherArea);
        using var distributor = cards.AsDistributor(cards.Distributor);
        using var venue = cards.As(new SiteClient("venue-client", Roles.Venue, cards.Area, null, [Guid.NewGuid()]));
        using var anonymous = cards.Factory.CreateClient();

        await (await otherCoordinator.PostJsonAsync("/api/distributors", Unit())).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await distributor.PostJsonAsync("/api/distributors", Unit())).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await venue.PostJsonAsync("/api/distributors", Unit())).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await anonymous.PostJsonAsync("/api/distributors", Unit())).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        (await DistributorCountAsync()).ShouldBe(2);
        (await cards.EventsAsync()).Count.ShouldBe(2);
    }

    public static TheoryData<string, string> InvalidDistributors => new()
    {
        { """{"areaCode":"atlantis","name":"Aikuissosiaalityö","unitType":"adult-social-work"}""", "area-unknown" },
        { """{"name":"Aikuissosiaalityö","unitType":"adult-social-work"}""", "distributor-area-required" },
        { """{"areaCode":" ","name":"Aikuissosiaalityö","unitType":"adult-social-work"}""", "distributor-area-required" },
        { """{"areaCode":"{area}","unitType":"adult-social-work"}""", "distributor-name-required" },
        { """{"areaCode":"{area}","name":"   ","unitType":"adult-social-work"}""", "distributor-name-required" },
        { $$"""{"areaCode":"{area}","name":"{{new string('a', 201)}}","unitType":"adult-social-work"}""", "name-too-long" },
        { """{"areaCode":"{area}","name":"Aikuissosiaalityö","unitType":"hospital"}""", "unit-type-invalid" },
        { """{"areaCode":"{area}","name":"Aikuissosiaalityö"}""", "unit-type-invalid" },
        { """{"areaCode":"{area}","name":"Aikuissosiaalityö","unitType":"adult-social-work" """, "bad-request" },
        { """{"areaCode":"{area}","name":42,"unitType":"adult-social-work"}""", "bad-request" },
        { """{"areaCode":"{area}","name":"Aikuissosiaalityö","unitType":["adult-social-work"]}""", "bad-request" },
        { """{"areaCode":"{area}","name":"Aikuissosiaalityö","unitType":"adult-social-work","phone":"06 416 2111"}""", "bad-request" },
        { """areaCode={area}&name=Aikuissosiaality%C3%B6""", "bad-request" },
    };

    [Theory]
    [MemberData(nameof(InvalidDistributors))]
    public async Task An_invalid_distributor_is_a_400_and_changes_nothing(string json, string code)
    {
        await (await cards.Admin.PostRawJsonAsync("/api/distributors", json.Replace("{area}", cards.Area))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);

        (await DistributorCountAsync()).ShouldBe(2);
        (await cards.EventsAsync()).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_second_unit_of_the_same_name_in_the_area_is_refused_but_another_area_may_have_one()
    {
        (await cards.Admin.PostJsonAsync("/api/distributors", Unit(name: "Etsivä nuorisotyö"))).StatusCode.ShouldBe(HttpStatusCode.Created);

        await (await cards.Admin.PostJsonAsync("/api/distributors", Unit(name: "ETSIVÄ NUORISOTYÖ "))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "distributor-name-taken");
        (await cards.Admin.PostJsonAsync("/api/distributors", Unit(area: cards.OtherArea, name: "Etsivä nuorisotyö"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await DistributorCountAsync()).ShouldBe(4);
        (await cards.EventsAsync()).Count(e => e.Type == "DistributorRegistered").ShouldBe(4);
    }

    [Fact]
    public async Task A_name_of_200_characters_is_accepted()
    {
        var name = new string('a', 200);

        var registered = await (await cards.Admin.PostJsonAsync("/api/distributors", Unit(name: name))).ShouldBeJsonAsync(HttpStatusCode.Created);

        registered.GetProperty("name").GetString().ShouldBe(name);
    }

    [Fact]
    public async Task Every_site_client_lists_the_distributors_of_all_areas_or_of_one()
    {
        var third = await cards.RegisterDistributorAsync(cards.Area, "parish-diaconal");
        SiteClient[] clients =
        [
            Tokens.NationalAdmin, Tokens.Coordinator(cards.Area), Tokens.Coordinator(cards.OtherArea),
            new("distributor-client", Roles.Distributor, cards.Area, cards.Distributor, []),
            new("venue-client", Roles.Venue, cards.Area, null, [Guid.NewGuid()]),
            new("partner-client", Roles.Partner, null, null, [Guid.NewGuid(), Guid.NewGuid()]),
            new("statistics-client", Roles.Statistics, null, null, []),
        ];

        foreach (var client in clients)
        {
            using var http = cards.As(client);
            (await IdsAsync(http, "")).ShouldBe([cards.Distributor, cards.OtherDistributor, third], ignoreOrder: true, client.Role);
            (await IdsAsync(http, $"?area={cards.Area}")).ShouldBe([cards.Distributor, third], ignoreOrder: true, client.Role);
            (await IdsAsync(http, $"?area={cards.OtherArea}")).ShouldBe([cards.OtherDistributor], client.Role);
        }
        await (await cards.Factory.CreateClient().GetAsync("/api/distributors")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task One_distributor_is_read_by_its_id_and_an_unknown_id_is_not_found()
    {
        using var venue = cards.As(new SiteClient("venue-client", Roles.Venue, cards.OtherArea, null, [Guid.NewGuid()]));

        var read = await (await venue.GetAsync($"/api/distributors/{cards.Distributor}")).ShouldBeJsonAsync(HttpStatusCode.OK);
        (read.GetProperty("id").GetGuid(), read.GetProperty("areaCode").GetString(), read.GetProperty("unitType").GetString())
            .ShouldBe((cards.Distributor, cards.Area, "adult-social-work"));

        await (await venue.GetAsync($"/api/distributors/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "distributor-not-found");
    }

    [Fact]
    public async Task Deactivating_and_activating_publish_DistributorChanged_once_per_real_change()
    {
        var deactivated = await (await cards.Admin.PostAsync($"/api/distributors/{cards.Distributor}/deactivate", null)).ShouldBeJsonAsync(HttpStatusCode.OK);
        var again = await (await cards.Admin.PostAsync($"/api/distributors/{cards.Distributor}/deactivate", null)).ShouldBeJsonAsync(HttpStatusCode.OK);

        (deactivated.GetProperty("active").GetBoolean(), again.GetProperty("active").GetBoolean()).ShouldBe((false, false));
        (await ChangesAsync()).ShouldBe([false]);
        (await (await cards.Admin.GetAsync($"/api/distributors/{cards.Distributor}")).ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("active").GetBoolean().ShouldBeFalse();

        using var coordinator = cards.AsCoordinator(cards.Area);
        var activated = await (await coordinator.PostAsync($"/api/distributors/{cards.Distributor}/activate", null)).ShouldBeJsonAsync(HttpStatusCode.OK);
        (await coordinator.PostAsync($"/api/distributors/{cards.Distributor}/activate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        activated.GetProperty("active").GetBoolean().ShouldBeTrue();
        (await ChangesAsync()).ShouldBe([false, true]);
        var last = (await cards.EventsAsync()).Last(e => e.Type == "DistributorChanged").Body;
        (last.GetProperty("distributorId").GetGuid(), last.GetProperty("areaCode").GetString()).ShouldBe((cards.Distributor, cards.Area));
    }

    [Fact]
    public async Task Only_the_national_admin_and_the_areas_coordinator_deactivate_a_distributor()
    {
        using var otherCoordinator = cards.AsCoordinator(cards.OtherArea);
        using var distributor = cards.AsDistributor(cards.Distributor);

        await (await otherCoordinator.PostAsync($"/api/distributors/{cards.Distributor}/deactivate", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await distributor.PostAsync($"/api/distributors/{cards.Distributor}/deactivate", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await cards.Admin.PostAsync($"/api/distributors/{Guid.NewGuid()}/deactivate", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "distributor-not-found");

        (await ChangesAsync()).ShouldBeEmpty();
        (await (await cards.Admin.GetAsync($"/api/distributors/{cards.Distributor}")).ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("active").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task An_inactive_distributor_issues_renews_and_replaces_no_cards_but_its_cards_can_be_closed()
    {
        using var distributor = cards.AsDistributor(cards.Distributor);
        var first = (await cards.IssueAsync(CardsService.Personal(cards.Distributor), distributor)).GetProperty("cardNumber").GetString()!;
        var second = (await cards.IssueAsync(CardsService.Personal(cards.Distributor), distributor)).GetProperty("cardNumber").GetString()!;
        (await cards.Admin.PostAsync($"/api/distributors/{cards.Distributor}/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var before = (await cards.EventsAsync()).Count;

        await (await distributor.PostJsonAsync("/api/cards", CardsService.Personal(cards.Distributor))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "distributor-inactive");
        await (await cards.Admin.PostJsonAsync("/api/cards", CardsService.Community(cards.Distributor))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "distributor-inactive");
        await (await distributor.PostAsync($"/api/cards/{first}/renew", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "distributor-inactive");
        await (await distributor.PostJsonAsync($"/api/cards/{first}/replace", new { reason = "lost" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "distributor-inactive");
        var closed = await (await distributor.PostJsonAsync($"/api/cards/{second}/close", new { reason = "holder-request" })).ShouldBeJsonAsync(HttpStatusCode.OK);

        closed.GetProperty("status").GetString().ShouldBe("closed");
        (await cards.EventsAsync()).Skip(before).Select(e => e.Type).ShouldBe(["CardClosed"]);
        await using var connection = await cards.OpenAsync();
        (await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM cards")).ShouldBe(2);
        using var venue = cards.As(new SiteClient("venue-client", Roles.Venue, cards.Area, null, [Guid.NewGuid()]));
        (await (await venue.GetAsync($"/api/cards/{first}/status")).ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("valid").GetBoolean().ShouldBeTrue();
    }

    private async Task<int> DistributorCountAsync()
    {
        await using var connection = await cards.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM distributors");
    }

    private static async Task<List<Guid>> IdsAsync(HttpClient client, string query) =>
        [.. (await (await client.GetAsync($"/api/distributors{query}")).ShouldBeJsonAsync(HttpStatusCode.OK)).EnumerateArray().Select(d => d.GetProperty("id").GetGuid())];

    /// <summary>The <c>active</c> of each DistributorChanged in the outbox, in order.</summary>
    private async Task<List<bool>> ChangesAsync() =>
        [.. (await cards.EventsAsync()).Where(e => e.Type == "DistributorChanged").Select(e => e.Body.GetProperty("active").GetBoolean())];
}
