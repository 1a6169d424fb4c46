using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.AppHost.Seed;
using Kaikukortti.TestSupport;

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>The demo network <c>dotnet run --project AppHost</c> seeds on a first run, through the gateway like any client.</summary>
public sealed class DemoSeedTests(SystemFixture system)
{
    private static readonly string[] SeedAreas = ["seinajoki", "espoo", "oulu", "tampere", "kainuu"];

    private HttpClient Gateway => system.Gateway;

    [Fact]
    public async Task A_first_run_seeds_the_demo_network_through_the_API_and_a_second_run_changes_nothing()
    {
        // As if an earlier run had stopped right after registering this area: the seed leaves it and does the rest.
        (await system.Admin.PostAsJsonAsync("/api/areas", new { code = "tampere", name = new { fi = "Tampere" }, municipalities = new[] { "Tampere" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var log = new RecordingLogSink();

        var first = await SeedAsync(log);

        // Tampere was skipped, so its 4 distributors and 16 cards are not among these.
        (first.AlreadyPresent, first.Areas, first.AreasSkipped, first.Venues, first.Distributors, first.Cards).ShouldBe((false, 4, 1, 23, 19, 77));
        first.Offerings.ShouldBeGreaterThan(first.Venues);
        log.Alerts.ShouldBeEmpty();
        log.Lines.ShouldContain(line => line.StartsWith("[seed] tampere: already registered"));
        log.Lines.ShouldContain(line => line.StartsWith("[seed] seinajoki: 14 venues, ") && line.EndsWith(" offerings, 7 distributors, 29 cards"));
        log.Lines.ShouldContain(line => line.StartsWith($"[seed] seeded 4 areas (1 already there), 23 venues, {first.Offerings} offerings, 19 distributors, 77 cards in "));

        var seinajoki = await VenuesAsync("area=seinajoki&pageSize=100");
        seinajoki.GetProperty("total").GetInt32().ShouldBe(14);
        var venues = seinajoki.GetProperty("items").EnumerateArray().ToList();
        venues.Select(v => v.GetProperty("category").GetString()).Distinct().Order().ShouldBe(["culture", "education", "science", "sport"]);
        var municipalities = (await (await Gateway.GetAsync("/api/areas/seinajoki")).ShouldBeJsonAsync(HttpStatusCode.OK))
            .GetProperty("municipalities").EnumerateArray().Select(m => m.GetString()).ToList();
        municipalities.ShouldContain("Ähtäri");
        venues.ShouldAllBe(v => municipalities.Contains(v.GetProperty("municipality").GetString()));
        foreach (var code in SeedAreas.Skip(1))
            await (await Gateway.GetAsync($"/api/areas/{code}")).ShouldBeJsonAsync(HttpStatusCode.OK);
        (await VenuesAsync("area=kainuu")).GetProperty("total").GetInt32().ShouldBeGreaterThan(0);

        var found = await VenuesAsync("q=seinajoen&pageSize=100");
        var names = found.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("name").GetProperty("fi").GetString()).ToList();
        names.ShouldContain("Seinäjoen kaupunginteatteri");
        names.ShouldContain("Seinäjoen uimahalli");

        var offerings = await OfferingsAsync(venues.Single(v => v.GetProperty("name").GetProperty("fi").GetString() == "Seinäjoen kansalaisopisto"));
        offerings.ShouldNotBeEmpty();
        offerings.ShouldAllBe(o => o.GetProperty("kind").GetString() == "course");
        offerings.ShouldAllBe(o => o.GetProperty("quota").GetProperty("tickets").GetInt32() > 0);
        offerings.ShouldAllBe(o => o.GetProperty("startsAt").GetDateTimeOffset() < o.GetProperty("endsAt").GetDateTimeOffset());

        // Distributor units of every kind, each with a few personal cards and one community card, all valid for a year.
        var distributors = await DistributorsAsync("seinajoki");
        distributors.Count.ShouldBe(7);
        distributors.ShouldAllBe(d => d.GetProperty("active").GetBoolean() && d.GetProperty("areaCode").GetString() == "seinajoki");
        distributors.Select(d => d.GetProperty("name").GetString()).ShouldContain("Seinäjoen aikuissosiaalityö");
        distributors.Select(d => d.GetProperty("unitType").GetString()).Distinct().Count().ShouldBe(7);
        foreach (var distributor in distributors)
        {
            var cards = await CardsAsync(distributor);
            cards.Count.ShouldBeGreaterThanOrEqualTo(4);
            cards.Count(c => c.GetProperty("kind").GetString() == "community").ShouldBe(1);
            cards.ShouldAllBe(c => c.GetProperty("status").GetString() == "active"
                && DateOnly.Parse(c.GetProperty("validUntil").GetString()!) == DateOnly.Parse(c.GetProperty("issuedOn").GetString()!).AddYears(1));
        }
        var aikuissosiaalityo = await CardsAsync(distributors.Single(d => d.GetProperty("name").GetString() == "Seinäjoen aikuissosiaalityö"));
        aikuissosiaalityo.Count.ShouldBe(5);
        aikuissosiaalityo.Where(c => c.GetProperty("kind").GetString() == "personal").Select(c => c.GetProperty("children").GetInt32()).Order().ShouldBe([0, 0, 1, 2]);
        foreach (var code in new[] { "espoo", "oulu", "kainuu" }) (await DistributorsAsync(code)).Count.ShouldBe(4);
        (await DistributorsAsync("tampere")).ShouldBeEmpty();

        // The seed went through the API, so its events reached the Statistics service.
        await Eventually.TrueAsync(async () => await Gateway.GetAsync("/api/statistics/summary?area=seinajoki") is { IsSuccessStatusCode: true } ok
            && (await ok.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("municipalities").GetInt32() == municipalities.Count,
            TimeSpan.FromSeconds(10), "the seeded area in the statistics");

        var before = await TotalsAsync();
        var secondLog = new RecordingLogSink();

        var second = await SeedAsync(secondLog);

        (second.AlreadyPresent, second.Areas, second.Venues, second.Offerings, second.Distributors, second.Cards).ShouldBe((true, 0, 0, 0, 0, 0));
        secondLog.Lines.ShouldBe(["[seed] demo data already present"]);
        (await TotalsAsync()).ShouldBe(before);
    }

    private Task<SeedResult> SeedAsync(LogSink log) =>
        DemoSeed.RunAsync(new Uri(system.System.GatewayUrl), KaikuSystem.AdminClientId, system.System.AdminSecret, log, CancellationToken.None);

    private async Task<JsonElement> VenuesAsync(string query) =>
        await (await Gateway.GetAsync($"/api/venues?{query}")).ShouldBeJsonAsync(HttpStatusCode.OK);

    private async Task<List<JsonElement>> OfferingsAsync(JsonElement venue) =>
        (await (await Gateway.GetAsync($"/api/venues/{venue.GetProperty("id").GetString()}/offerings")).ShouldBeJsonAsync(HttpStatusCode.OK))
            .EnumerateArray().ToList();

    /// <summary>Distributor units of an area, as the national admin sees them (distributors are for site clients only).</summary>
    private async Task<List<JsonElement>> DistributorsAsync(string area) =>
        (await (await system.Admin.GetAsync($"/api/distributors?area={area}")).ShouldBeJsonAsync(HttpStatusCode.OK)).EnumerateArray().ToList();

    private async Task<List<JsonElement>> CardsAsync(JsonElement distributor) =>
        (await (await system.Admin.GetAsync($"/api/cards?distributorId={distributor.GetProperty("id").GetString()}&pageSize=100")).ShouldBeJsonAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().ToList();

    /// <summary>Venues, offerings, distributors and cards of each of the seed's areas; other tests add areas of their own to the same system.</summary>
    private async Task<string> TotalsAsync()
    {
        var totals = new List<string>();
        foreach (var code in SeedAreas)
        {
            var venues = (await VenuesAsync($"area={code}&pageSize=100")).GetProperty("items").EnumerateArray().ToList();
            var offerings = 0;
            foreach (var venue in venues) offerings += (await OfferingsAsync(venue)).Count;
            var distributors = await DistributorsAsync(code);
            var cards = 0;
            foreach (var distributor in distributors) cards += (await CardsAsync(distributor)).Count;
            totals.Add($"{code}: {venues.Count} venues, {offerings} offerings, {distributors.Count} distributors, {cards} cards");
        }

        return string.Join("; ", totals);
    }
}
