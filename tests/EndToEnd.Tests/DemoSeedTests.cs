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

        (first.AlreadyPresent, first.Areas, first.AreasSkipped, first.Venues).ShouldBe((false, 4, 1, 23));
        first.Offerings.ShouldBeGreaterThan(first.Venues);
        log.Alerts.ShouldBeEmpty();
        log.Lines.ShouldContain(line => line.StartsWith("[seed] tampere: already registered"));
        log.Lines.ShouldContain(line => line.StartsWith("[seed] seeded 4 areas (1 already there), 23 venues, "));

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

        // The seed went through the API, so its events reached the Statistics service.
        await Eventually.TrueAsync(async () => await Gateway.GetAsync("/api/statistics/summary?area=seinajoki") is { IsSuccessStatusCode: true } ok
            && (await ok.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("municipalities").GetInt32() == municipalities.Count,
            TimeSpan.FromSeconds(10), "the seeded area in the statistics");

        var before = await TotalsAsync();
        var secondLog = new RecordingLogSink();

        var second = await SeedAsync(secondLog);

        (second.AlreadyPresent, second.Areas, second.Venues, second.Offerings).ShouldBe((true, 0, 0, 0));
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

    /// <summary>Venues and offerings of each of the seed's areas; other tests add areas of their own to the same system.</summary>
    private async Task<string> TotalsAsync()
    {
        var totals = new List<string>();
        foreach (var code in SeedAreas)
        {
            var venues = (await VenuesAsync($"area={code}&pageSize=100")).GetProperty("items").EnumerateArray().ToList();
            var offerings = 0;
            foreach (var venue in venues) offerings += (await OfferingsAsync(venue)).Count;
            totals.Add($"{code}: {venues.Count} venues, {offerings} offerings");
        }

        return string.Join("; ", totals);
    }
}
