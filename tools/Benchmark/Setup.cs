using System.Diagnostics;
using System.Globalization;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.AppHost.Seed;

namespace Kaikukortti.Benchmark;

/// <summary>A venue and its offering (no quota) that uses are recorded at.</summary>
public sealed record Site(Guid VenueId, Guid OfferingId);

/// <summary>What <see cref="Setup"/> registered; area codes carry the run's time stamp, so runs on one data directory never collide.</summary>
public sealed record BenchData(
    string Area, IReadOnlyList<Site> Sites, CreatedClient Partner, IReadOnlyList<string> Cards, string ProbeArea, IReadOnlyList<Site> ProbeSites, CreatedClient ProbeClient,
    TimeSpan Elapsed);

/// <summary>
/// Registers the benchmark's data through the public API as the national admin, as any client would: an area with a
/// venue of each category, each with an admission offering without a quota (so no refusal distorts the load), a
/// partner client acting for them, and personal cards issued by a distributor unit of the area. A separate probe
/// area has venues of its own (one per lane of the lag probe) and its own client, for measuring event lag. Returns once the Redemptions service's replicas
/// know every card, venue and offering: one use of each card has been recorded.
/// </summary>
public static class Setup
{
    public const int CardCount = 2000;
    private const int Parallelism = 8;

    public static async Task<BenchData> RunAsync(Uri gateway, string adminSecret, TextWriter progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var admin = await SignInAsync(gateway, KaikuSystem.AdminClientId, adminSecret, ct);
        var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var area = $"benchmark-{stamp}";
        var probeArea = $"benchmark-probe-{stamp}";
        string[] municipalities = ["Kaikukortti benchmark"];
        await admin.RegisterAreaAsync(area, new Name("Suorituskykytesti", "Prestandatest", "Benchmark"), municipalities, "", ct);
        await admin.RegisterAreaAsync(probeArea, new Name("Suorituskykytesti, viive", "Prestandatest, fördröjning", "Benchmark, lag probe"), municipalities, "", ct);

        List<Site> sites = [];
        foreach (var category in new[] { "culture", "education", "science", "sport" })
        {
            sites.Add(await RegisterSiteAsync(admin, area, category, ct));
        }
        List<Site> probeSites = [];
        for (var lane = 0; lane < LagProbe.Lanes; lane++)
        {
            probeSites.Add(await RegisterSiteAsync(admin, probeArea, "culture", ct));
        }
        var distributor = await admin.RegisterDistributorAsync(area, "Benchmark distributor", "other", ct);
        progress.WriteLine($"  registered areas {area} and {probeArea}, {sites.Count + probeSites.Count} venues, a distributor");

        var cards = new string[CardCount];
        await Parallel.ForAsync(0, CardCount, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (i, token) =>
        {
            var random = new Random(i);
            cards[i] = await admin.IssueCardAsync(new CardRequest(
                distributor, "personal", random.Next(1950, 2009), $"{random.Next(0, 100):00}100", random.Next(0, 4), null), token);
        });
        progress.WriteLine($"  issued {CardCount} personal cards in {clock.Elapsed.TotalSeconds:0} s");

        var partner = await admin.CreatePartnerAsync("Benchmark ticketing system", [.. sites.Select(s => s.VenueId)], ct);
        var probeClient = await admin.CreatePartnerAsync("Benchmark lag probe", [.. probeSites.Select(s => s.VenueId)], ct);

        // SeedApi.RecordAsync records again, under a new key, a use refused as card-, venue- or offering-unknown until it
        // is taken: once every card has one use, the replicas have everything the load will name.
        using var desk = await SignInAsync(gateway, partner.ClientId, partner.ClientSecret, ct);
        var now = DateTimeOffset.UtcNow;
        await desk.RecordAsync("/api/redemptions/batch",
            [.. cards.Select((card, i) => new UseItem($"setup-{i}", card, sites[i % sites.Count].VenueId, sites[i % sites.Count].OfferingId, 1, 0, now))], null, ct);
        using var probeDesk = await SignInAsync(gateway, probeClient.ClientId, probeClient.ClientSecret, ct);
        await probeDesk.RecordAsync("/api/redemptions/batch",
            [.. probeSites.Select((site, i) => new UseItem($"setup-probe-{i}", cards[i], site.VenueId, site.OfferingId, 1, 0, now))], null, ct);
        progress.WriteLine($"  every card has reached the Redemptions service's replica: set-up took {clock.Elapsed.TotalSeconds:0} s");
        return new BenchData(area, sites, partner, cards, probeArea, probeSites, probeClient, clock.Elapsed);
    }

    /// <summary>An API client of the gateway, signed in (it signs in again when its token expires).</summary>
    public static async Task<SeedApi> SignInAsync(Uri gateway, string clientId, string secret, CancellationToken ct)
    {
        var api = new SeedApi(gateway);
        try
        {
            await api.SignInAsync(clientId, secret, ct);
            return api;
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    /// <summary>A fresh bearer token of the client (tokens last 15 minutes), for wrk.</summary>
    public static async Task<string> TokenAsync(Uri gateway, CreatedClient client, CancellationToken ct)
    {
        using var api = await SignInAsync(gateway, client.ClientId, client.ClientSecret, ct);
        return api.Token!;
    }

    private static async Task<Site> RegisterSiteAsync(SeedApi admin, string area, string category, CancellationToken ct)
    {
        var venue = await admin.RegisterVenueAsync(area, new Name($"Benchmark {category} venue", $"Benchmark {category}", $"Benchmark {category} venue"),
            category, "Kaikukortti benchmark", acceptsOtherAreas: true, ct);
        return new Site(venue, await admin.PublishOfferingAsync(venue, "Benchmark admission", "admission", quota: null, startsAt: null, endsAt: null, ct));
    }
}
