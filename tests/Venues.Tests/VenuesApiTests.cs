using System.Net;
using System.Text.Json;
using Dapper;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kaikukortti.Venues.Tests;

public sealed class VenuesApiTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private ServiceFactory<Program> service = null!;
    private HttpClient admin = null!;

    public async ValueTask InitializeAsync()
    {
        service = await ServiceFactory<Program>.CreateAsync(postgres, rabbitMq, "venuesdb");
        admin = service.CreateClient().As(Tokens.ForTests.Issue(Tokens.NationalAdmin));
        await admin.PostJsonAsync("/api/areas", new { code = "seinajoki", name = new { fi = "Seinäjoki" }, municipalities = new[] { "Seinäjoki", "Lapua", "Ähtäri" } });
        await admin.PostJsonAsync("/api/areas", new { code = "oulu", name = new { fi = "Oulu" }, municipalities = new[] { "Oulu" } });
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        await service.DisposeAsync();
    }

    private static object Venue(string fi = "Seinäjoen kaupunginteatteri", string category = "culture", string municipality = "Seinäjoki", string area = "seinajoki", bool acceptsOtherAreas = true) => new
    {
        areaCode = area,
        name = new { fi, sv = "Seinäjoki stadsteater", en = "Seinäjoki City Theatre" },
        category,
        municipality,
        address = "Alvar Aallon katu 12",
        accessibility = "Esteetön sisäänkäynti pääovelta.",
        acceptsOtherAreas,
        contactEmail = "lipunmyynti@example.fi",
    };

    private async Task<JsonElement> RegisterAsync(object venue) => await (await admin.PostJsonAsync("/api/venues", venue)).ShouldBeJsonAsync(HttpStatusCode.Created);

    private HttpClient As(SiteClient client) => service.CreateClient().As(Tokens.ForTests.Issue(client));

    private static SiteClient VenueClient(Guid venueId) => new("venue-client", Roles.Venue, "seinajoki", null, [venueId]);

    [Fact]
    public async Task A_registered_venue_is_in_the_catalogue_and_announced_once()
    {
        var venue = await RegisterAsync(Venue());
        var id = venue.GetProperty("id").GetGuid();

        venue.GetProperty("active").GetBoolean().ShouldBeTrue();
        (await (await service.CreateClient().GetAsync($"/api/venues/{id}")).ShouldBeJsonAsync(HttpStatusCode.OK))
            .GetProperty("name").GetProperty("sv").GetString().ShouldBe("Seinäjoki stadsteater");
        (await EventsAsync()).ShouldBe(["AreaRegistered", "AreaRegistered", "VenueRegistered"]);
    }

    [Fact]
    public async Task Only_the_national_admin_and_the_areas_coordinator_register_venues()
    {
        using var coordinator = As(Tokens.Coordinator("seinajoki"));
        using var otherCoordinator = As(Tokens.Coordinator("oulu"));
        using var venueClient = As(VenueClient(Guid.NewGuid()));

        (await coordinator.PostJsonAsync("/api/venues", Venue())).StatusCode.ShouldBe(HttpStatusCode.Created);
        await (await otherCoordinator.PostJsonAsync("/api/venues", Venue())).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await venueClient.PostJsonAsync("/api/venues", Venue())).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await service.CreateClient().PostJsonAsync("/api/venues", Venue())).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    public static TheoryData<string, string> InvalidVenues => new()
    {
        { """{"areaCode":"atlantis","name":{"fi":"X"},"category":"culture","municipality":"X"}""", "area-unknown" },
        { """{"areaCode":"seinajoki","name":{"sv":"X"},"category":"culture","municipality":"Lapua"}""", "venue-name-required" },
        { """{"areaCode":"seinajoki","name":{"fi":"X"},"category":"music","municipality":"Lapua"}""", "venue-category-invalid" },
        { """{"areaCode":"seinajoki","name":{"fi":"X"},"category":"sport","municipality":"Oulu"}""", "venue-municipality-not-in-area" },
        { """{"areaCode":"seinajoki","name":{"fi":"X"},"category":"sport","municipality":"Lapua","contactEmail":"not-mail"}""", "contact-email-invalid" },
        { """{"areaCode":"seinajoki","name":{"fi":"X"},"category":"sport","municipality":"Lapua","acceptsOtherAreas":"yes"}""", "bad-request" },
        { """{"areaCode":"seinajoki","name":{"fi":"X"},"category":"sport","municipality":"Lapua","owner":"me"}""", "bad-request" },
    };

    [Theory]
    [MemberData(nameof(InvalidVenues))]
    public async Task An_invalid_venue_is_a_400_and_changes_nothing(string json, string code)
    {
        await (await admin.PostRawJsonAsync("/api/venues", json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);

        (await SearchAsync("?includeInactive=true")).GetProperty("total").GetInt32().ShouldBe(0);
        (await EventsAsync()).ShouldNotContain("VenueRegistered");
    }

    [Fact]
    public async Task The_catalogue_searches_all_languages_ignoring_case_and_accents_and_filters_and_pages()
    {
        await RegisterAsync(Venue());
        await RegisterAsync(Venue("Lapuan uimahalli", "sport", "Lapua"));
        await RegisterAsync(Venue("Ähtärin eläinpuisto", "science", "Ähtäri"));
        await RegisterAsync(Venue("Oulun kaupunginteatteri", "culture", "Oulu", "oulu"));

        (await NamesAsync("?q=seinajoen")).ShouldBe(["Seinäjoen kaupunginteatteri"]);
        (await NamesAsync("?q=AHTARIN")).ShouldBe(["Ähtärin eläinpuisto"]);
        (await NamesAsync("?q=stadsteater&area=seinajoki")).ShouldBe(["Lapuan uimahalli", "Seinäjoen kaupunginteatteri", "Ähtärin eläinpuisto"]);
        (await NamesAsync("?category=culture")).ShouldBe(["Oulun kaupunginteatteri", "Seinäjoen kaupunginteatteri"]);
        (await NamesAsync("?municipality=lapua")).ShouldBe(["Lapuan uimahalli"]);
        (await NamesAsync("?q=100%25")).ShouldBeEmpty();

        var first = await SearchAsync("?pageSize=3");
        var second = await SearchAsync("?pageSize=3&page=2");
        (first.GetProperty("total").GetInt32(), second.GetProperty("total").GetInt32()).ShouldBe((4, 4));
        first.GetProperty("items").GetArrayLength().ShouldBe(3);
        second.GetProperty("items").GetArrayLength().ShouldBe(1);
        (await SearchAsync($"?pageSize=100&page={int.MaxValue}")).GetProperty("items").GetArrayLength().ShouldBe(0);
        await (await service.CreateClient().GetAsync("/api/venues?pageSize=101")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "paging-invalid");
        await (await service.CreateClient().GetAsync("/api/venues?page=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "paging-invalid");
        await (await service.CreateClient().GetAsync("/api/venues?category=music")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "venue-category-invalid");
    }

    [Fact]
    public async Task Changes_publish_VenueChanged_once_per_change_and_the_area_stays()
    {
        var id = (await RegisterAsync(Venue())).GetProperty("id").GetGuid();

        (await (await admin.PutJsonAsync($"/api/venues/{id}", Venue(acceptsOtherAreas: false))).ShouldBeJsonAsync(HttpStatusCode.OK))
            .GetProperty("acceptsOtherAreas").GetBoolean().ShouldBeFalse();
        (await admin.PutJsonAsync($"/api/venues/{id}", Venue(acceptsOtherAreas: false))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await admin.PutJsonAsync($"/api/venues/{id}", Venue(area: "oulu", municipality: "Oulu"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "venue-area-immutable");
        (await (await admin.PostAsync($"/api/venues/{id}/deactivate", null)).ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("active").GetBoolean().ShouldBeFalse();
        (await admin.PostAsync($"/api/venues/{id}/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await EventsAsync()).Count(e => e == "VenueChanged").ShouldBe(2);
        (await SearchAsync("")).GetProperty("total").GetInt32().ShouldBe(0);
        (await SearchAsync("?includeInactive=true")).GetProperty("total").GetInt32().ShouldBe(1);
        var deactivation = JsonDocument.Parse((await OutboxAsync()).Last().Body).RootElement;
        (deactivation.GetProperty("active").GetBoolean(), deactivation.GetProperty("acceptsOtherAreas").GetBoolean()).ShouldBe((false, false));

        (await admin.PostAsync($"/api/venues/{id}/activate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await EventsAsync()).Count(e => e == "VenueChanged").ShouldBe(3);
    }

    [Fact]
    public async Task A_venue_is_changed_only_by_its_areas_coordinator_or_the_national_admin()
    {
        var id = (await RegisterAsync(Venue())).GetProperty("id").GetGuid();
        using var otherCoordinator = As(Tokens.Coordinator("oulu"));
        using var venueClient = As(VenueClient(id));

        await (await otherCoordinator.PutJsonAsync($"/api/venues/{id}", Venue())).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await venueClient.PostAsync($"/api/venues/{id}/deactivate", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await admin.PutJsonAsync($"/api/venues/{Guid.NewGuid()}", Venue())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "venue-not-found");
    }

    [Fact]
    public async Task A_venue_manages_its_own_offerings_and_each_change_is_announced_once()
    {
        var id = (await RegisterAsync(Venue())).GetProperty("id").GetGuid();
        var other = (await RegisterAsync(Venue("Lapuan uimahalli", "sport", "Lapua"))).GetProperty("id").GetGuid();
        using var venueClient = As(VenueClient(id));
        using var partner = As(new SiteClient("partner", Roles.Partner, "seinajoki", null, [id, other]));
        var concert = new { title = "Joulukonsertti", kind = "admission", quota = new { tickets = 10, per = "event" }, startsAt = "2026-12-12T18:00:00+02:00", endsAt = "2026-12-12T20:00:00+02:00" };

        var offering = await (await venueClient.PostJsonAsync($"/api/venues/{id}/offerings", concert)).ShouldBeJsonAsync(HttpStatusCode.Created);
        offering.GetProperty("quota").GetProperty("tickets").GetInt32().ShouldBe(10);
        await (await venueClient.PostJsonAsync($"/api/venues/{other}/offerings", concert)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        (await partner.PostJsonAsync($"/api/venues/{other}/offerings", new { title = "Uintikurssi", kind = "course" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var offeringId = offering.GetProperty("id").GetGuid();
        var changed = concert with { quota = new { tickets = 20, per = "event" } };
        (await venueClient.PutJsonAsync($"/api/venues/{id}/offerings/{offeringId}", changed)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await venueClient.PutJsonAsync($"/api/venues/{id}/offerings/{offeringId}", changed)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await venueClient.PutJsonAsync($"/api/venues/{id}/offerings/{Guid.NewGuid()}", changed)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "offering-not-found");

        var events = await EventsAsync();
        (events.Count(e => e == "OfferingPublished"), events.Count(e => e == "OfferingChanged")).ShouldBe((2, 1));
        var listed = await (await service.CreateClient().GetAsync($"/api/venues/{id}/offerings")).ShouldBeJsonAsync(HttpStatusCode.OK);
        listed.EnumerateArray().Single().GetProperty("quota").GetProperty("tickets").GetInt32().ShouldBe(20);
    }

    public static TheoryData<string, string> InvalidOfferings => new()
    {
        { """{"kind":"admission"}""", "offering-title-required" },
        { """{"title":"X","kind":"ticket"}""", "offering-kind-invalid" },
        { """{"title":"X","kind":"admission","quota":{"tickets":0,"per":"day"}}""", "quota-tickets-invalid" },
        { """{"title":"X","kind":"admission","quota":{"tickets":-1,"per":"day"}}""", "quota-tickets-invalid" },
        { """{"title":"X","kind":"admission","quota":{"tickets":5,"per":"year"}}""", "quota-period-invalid" },
        { """{"title":"X","kind":"course","startsAt":"2026-12-12T18:00:00+02:00","endsAt":"2026-12-12T17:00:00+02:00"}""", "offering-ends-before-start" },
        { """{"title":"X","kind":"course","startsAt":"tomorrow"}""", "bad-request" },
    };

    [Theory]
    [MemberData(nameof(InvalidOfferings))]
    public async Task An_invalid_offering_is_a_400_and_changes_nothing(string json, string code)
    {
        var id = (await RegisterAsync(Venue())).GetProperty("id").GetGuid();

        await (await admin.PostRawJsonAsync($"/api/venues/{id}/offerings", json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);

        (await (await admin.GetAsync($"/api/venues/{id}/offerings")).ShouldBeJsonAsync(HttpStatusCode.OK)).GetArrayLength().ShouldBe(0);
        (await EventsAsync()).ShouldNotContain("OfferingPublished");
    }

    [Fact]
    public async Task An_inactive_venue_publishes_no_offerings()
    {
        var id = (await RegisterAsync(Venue())).GetProperty("id").GetGuid();
        await admin.PostAsync($"/api/venues/{id}/deactivate", null);

        await (await admin.PostJsonAsync($"/api/venues/{id}/offerings", new { title = "X", kind = "admission" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "venue-inactive");
    }

    private async Task<JsonElement> SearchAsync(string query) =>
        await (await service.CreateClient().GetAsync($"/api/venues{query}")).ShouldBeJsonAsync(HttpStatusCode.OK);

    private async Task<List<string>> NamesAsync(string query) =>
        [.. (await SearchAsync(query)).GetProperty("items").EnumerateArray().Select(v => v.GetProperty("name").GetProperty("fi").GetString()!)];

    private async Task<List<(string Type, string Body)>> OutboxAsync()
    {
        await using var connection = await service.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        return (await connection.QueryAsync<(string, string)>("SELECT message_type, body::text FROM outbox ORDER BY id")).ToList();
    }

    private async Task<List<string>> EventsAsync() =>
        [.. (await OutboxAsync()).Select(e => e.Type.Split(',')[0].Split('.').Last())];
}
