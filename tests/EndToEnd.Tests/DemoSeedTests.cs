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
        log.Lines.ShouldContain(line => line.StartsWith($"[seed] seeded 4 areas (1 already there), 23 venues, {first.Offerings} offerings, 19 distributors, 77 cards, {first.Uses} uses in "));

        // Uses at the venues of every seeded area, by its own cards and a few of other areas', counted by the venue's area.
        first.UsesByArea.Keys.Order().ShouldBe(["espoo", "kainuu", "oulu", "seinajoki"]);
        first.UsesByArea.Values.Sum().ShouldBe(first.Uses);
        first.Uses.ShouldBeInRange(120, 250);
        first.UsesByArea["seinajoki"].ShouldBeGreaterThan(first.UsesByArea["espoo"]);
        log.Lines.ShouldContain(line => line.StartsWith($"[seed] seinajoki: {first.UsesByArea["seinajoki"]} uses in "));

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
        // The national admin sees every figure exactly; Tampere was skipped, so it has no venues and no uses.
        foreach (var (code, uses) in first.UsesByArea.Append(new("tampere", 0)))
            await Eventually.TrueAsync(async () => (await ExactSummaryAsync(code)).GetProperty("uses").GetInt32() == uses,
                TimeSpan.FromSeconds(10), $"the {uses} seeded uses of {code} in the statistics");
        var seinajokiSummary = await ExactSummaryAsync("seinajoki");
        seinajokiSummary.GetProperty("childUses").GetInt32().ShouldBeGreaterThan(0);
        seinajokiSummary.GetProperty("cardsTakenIntoUse").GetInt32().ShouldBeGreaterThan(4);
        var flows = await Eventually.MatchAsync(() => FlowsAsync(first.UsesByArea.Keys), f => f.Sum(flow => flow.Uses) == first.Uses,
            TimeSpan.FromSeconds(10), "the seeded uses in the flows between areas");
        flows.ShouldContain(f => f.Home != f.Venue && f.Uses > 0);
        var totals = await (await system.Admin.GetAsync("/api/redemptions/totals")).ShouldBeJsonAsync(HttpStatusCode.OK);
        totals.GetProperty("uses").GetInt32().ShouldBeGreaterThanOrEqualTo(first.Uses);

        var before = await TotalsAsync();
        var secondLog = new RecordingLogSink();

        var second = await SeedAsync(secondLog);

        (second.AlreadyPresent, second.Areas, second.Venues, second.Offerings, second.Distributors, second.Cards, second.Uses).ShouldBe((true, 0, 0, 0, 0, 0, 0));
        second.UsesByArea.ShouldBeEmpty();
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

    /// <summary>An area's statistics as the national admin sees them: every figure exact, none withheld.</summary>
    private async Task<JsonElement> ExactSummaryAsync(string area) =>
        await (await system.Admin.GetAsync($"/api/statistics/summary?area={area}")).ShouldBeJsonAsync(HttpStatusCode.OK);

    /// <summary>Uses by the cards' home area at the venues of the given areas, as the national admin sees them.</summary>
    private async Task<List<(string Home, string Venue, int Uses)>> FlowsAsync(IEnumerable<string> venueAreas) =>
        [.. (await (await system.Admin.GetAsync("/api/statistics/flows")).ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("flows").EnumerateArray()
            .Select(f => (Home: f.GetProperty("homeArea").GetString()!, Venue: f.GetProperty("venueArea").GetString()!, Uses: f.GetProperty("uses").GetInt32()))
            .Where(f => venueAreas.Contains(f.Venue))];

    /// <summary>The uses recorded at a venue (visits, not tickets), from the Redemptions service itself, as the national admin.</summary>
    private async Task<int> UsesAsync(JsonElement venue) =>
        (await (await system.Admin.GetAsync($"/api/redemptions?venueId={venue.GetProperty("id").GetString()}&pageSize=1")).ShouldBeJsonAsync(HttpStatusCode.OK))
            .GetProperty("total").GetInt32();

    private async Task<List<JsonElement>> CardsAsync(JsonElement distributor) =>
        (await (await system.Admin.GetAsync($"/api/cards?distributorId={distributor.GetProperty("id").GetString()}&pageSize=100")).ShouldBeJsonAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().ToList();

    /// <summary>Venues, offerings, uses, distributors and cards of each of the seed's areas; other tests add areas of their own to the same system.</summary>
    private async Task<string> TotalsAsync()
    {
        var totals = new List<string>();
        foreach (var code in SeedAreas)
        {
            var venues = (await VenuesAsync($"area={code}&pageSize=100")).GetProperty("items").EnumerateArray().ToList();
            int offerings = 0, uses = 0;
            foreach (var venue in venues)
            {
                offerings += (await OfferingsAsync(venue)).Count;
                uses += await UsesAsync(venue);
            }
            var distributors = await DistributorsAsync(code);
            var cards = 0;
            foreach (var distributor in distributors) cards += (await CardsAsync(distributor)).Count;
            totals.Add($"{code}: {venues.Count} venues, {offerings} offerings, {uses} uses, {distributors.Count} distributors, {cards} cards");
        }

        return string.Join("; ", totals);
    }
}
