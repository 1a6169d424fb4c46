using System.Diagnostics;
using System.Globalization;
using Kaikukortti.AppHost.Hosting;

namespace Kaikukortti.AppHost.Seed;

/// <summary>What a run of <see cref="DemoSeed"/> did.</summary>
/// <param name="AlreadyPresent">The demo data was there already, so nothing was done.</param>
/// <param name="AreasSkipped">Areas that were registered already, by an earlier run that did not finish; left as they are.</param>
/// <param name="Uses">Uses recorded at the seeded venues: tickets, so a holder with two children is three (as statistics count them).</param>
public sealed record SeedResult(
    bool AlreadyPresent, int Areas, int AreasSkipped, int Venues, int Offerings, int Distributors, int Cards, int Uses, TimeSpan Elapsed)
{
    /// <summary>The <see cref="Uses"/> by the area of the venue, as statistics count them; areas without uses left out.</summary>
    public IReadOnlyDictionary<string, int> UsesByArea { get; init; } = new Dictionary<string, int>();

    public string Summary => AlreadyPresent
        ? "already present"
        : string.Create(CultureInfo.InvariantCulture,
            $"seeded {Areas} areas{(AreasSkipped > 0 ? $" ({AreasSkipped} already there)" : "")}, {Venues} venues, {Offerings} offerings, {Distributors} distributors, {Cards} cards, {Uses} uses in {Elapsed.TotalSeconds:0.0} s");
}

/// <summary>
/// Registers the demo network of <see cref="DemoData"/> through the gateway as the bootstrap national admin, the way any
/// client would, so every area, venue, offering, distributor and card publishes its events like one registered by hand.
/// Then each area's partner client records uses of the new cards at the area's venues (<see cref="DemoUses"/>), so the
/// dashboard has something to show.
/// </summary>
public static class DemoSeed
{
    public const string LogSource = "seed";

    public static async Task<SeedResult> RunAsync(Uri gateway, string adminClientId, string adminSecret, LogSink log, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var api = new SeedApi(gateway);

        if (await api.AreaExistsAsync(DemoData.MarkerArea, ct))
        {
            log.Write(LogSource, "demo data already present");
            return new SeedResult(true, 0, 0, 0, 0, 0, 0, 0, clock.Elapsed);
        }

        log.Write(LogSource, $"seeding demo data through {gateway} as {adminClientId}");
        await api.SignInAsync(adminClientId, adminSecret, ct);
        var scheduleStart = NextMonday(DateTimeOffset.UtcNow);
        int areas = 0, skipped = 0, venues = 0, offerings = 0, distributors = 0, cards = 0;
        var seeded = new List<SeededArea>();
        foreach (var area in DemoData.Areas)
        {
            if (!await api.RegisterAreaAsync(area.Code, area.Name, area.Municipalities, area.WelfareRegion, ct))
            {
                skipped++;
                log.Write(LogSource, $"{area.Code}: already registered, left as it is");
                continue;
            }

            var areaOfferings = 0;
            var areaVenues = new List<SeededVenue>();
            foreach (var venue in area.Venues)
            {
                var venueId = await api.RegisterVenueAsync(area.Code, venue.Name, venue.Category, venue.Municipality, venue.AcceptsOtherAreas, ct);
                var venueOfferings = new List<SeededOffering>();
                foreach (var offering in venue.Offerings)
                {
                    var (startsAt, endsAt) = offering.Weeks is { } weeks
                        ? (HelsinkiMidnight(scheduleStart), HelsinkiMidnight(scheduleStart.AddDays(7 * weeks)))
                        : ((DateTimeOffset?)null, (DateTimeOffset?)null);
                    var offeringId = await api.PublishOfferingAsync(venueId, offering.Title, offering.Kind, offering.Quota, startsAt, endsAt, ct);
                    venueOfferings.Add(new(offeringId, offering.Kind, offering.Quota));
                }

                areaVenues.Add(new(venueId, venue.AcceptsOtherAreas, venueOfferings));
                areaOfferings += venue.Offerings.Count;
            }

            var areaCards = new List<SeededCard>();
            foreach (var distributor in area.Distributors)
            {
                var distributorId = await api.RegisterDistributorAsync(area.Code, distributor.Name, distributor.UnitType, ct);
                foreach (var card in distributor.Cards)
                {
                    var number = await api.IssueCardAsync(new CardRequest(distributorId, card.Kind, card.BirthYear, card.PostalCode, card.Children, card.GroupSize,
                        card.Gender, card.AgeGroup, card.LifeSituation), ct);
                    areaCards.Add(new(number, area.Code, card.Kind, card.Children ?? 0, card.GroupSize));
                }
            }

            log.Write(LogSource, $"{area.Code}: {area.Venues.Count} venues, {areaOfferings} offerings, {area.Distributors.Count} distributors, {areaCards.Count} cards");
            seeded.Add(new(area.Code, area.Name.Fi, areaVenues, areaCards));
            areas++;
            venues += area.Venues.Count;
            offerings += areaOfferings;
            distributors += area.Distributors.Count;
            cards += areaCards.Count;
        }

        // Uses come last: by now the cards of the earlier areas have reached the Redemptions service, and other areas'
        // cards may visit any area's venues.
        var (from, to) = UseWindow(DateTimeOffset.UtcNow);
        var usesByArea = new Dictionary<string, int>();
        var plans = DemoUses.Plan(seeded, from, to, Helsinki());
        // The areas' partners work side by side, as they would: most of the time goes into creating clients and tokens.
        var recorded = await Task.WhenAll(seeded.Where(area => plans[area.Code].Count > 0)
            .Select(async area => (Area: area.Code, Planned: plans[area.Code], Uses: await RecordUsesAsync(api, gateway, area, plans[area.Code], ct))));
        foreach (var (area, planned, uses) in recorded)
        {
            usesByArea[area] = uses;
            var otherAreas = planned.Count(p => p.Card.AreaCode != area);
            log.Write(LogSource, $"{area}: {uses} uses in {planned.Count} visits, {otherAreas} of them with other areas' cards");
        }

        var result = new SeedResult(false, areas, skipped, venues, offerings, distributors, cards, usesByArea.Values.Sum(), clock.Elapsed) { UsesByArea = usesByArea };
        log.Write(LogSource, result.Summary);
        return result;
    }

    /// <summary>Records the area's planned visits through a partner client of all its venues, as a ticketing system would.</summary>
    /// <returns>The uses (tickets) recorded.</returns>
    private static async Task<int> RecordUsesAsync(SeedApi admin, Uri gateway, SeededArea area, IReadOnlyList<PlannedUse> planned, CancellationToken ct)
    {
        var partner = await admin.CreatePartnerAsync($"Lipunmyyntijärjestelmä (demo), {area.Name}", [.. area.Venues.Select(v => v.Id)], ct);
        using var desk = new SeedApi(gateway);
        await desk.SignInAsync(partner.ClientId, partner.ClientSecret, ct);
        await desk.RecordAsync("/api/redemptions/batch",
            [.. planned.Select(use => new UseItem(use.Key, use.Card.Number, use.VenueId, use.OfferingId, use.Adults, use.Children, use.OccurredAt))], null, ct);
        return planned.Sum(use => use.Tickets);
    }

    /// <summary>
    /// When today's demo uses happen: a use may not fall before its card's day of issue, and the cards are issued today,
    /// so from this morning's opening (08:00 in Helsinki; from midnight when it is not yet 09:00) until a minute ago.
    /// </summary>
    private static (DateTimeOffset From, DateTimeOffset To) UseWindow(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Helsinki()).DateTime);
        var midnight = HelsinkiMidnight(today);
        var to = now.AddMinutes(-1) is var earlier && earlier > midnight ? earlier : now;
        var opening = HelsinkiTime(today, new TimeOnly(8, 0));
        return (to >= HelsinkiTime(today, new TimeOnly(9, 0)) ? opening : midnight, to);
    }

    private static DateOnly NextMonday(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Helsinki()).DateTime);
        var days = ((int)DayOfWeek.Monday - (int)today.DayOfWeek + 7) % 7;
        return today.AddDays(days == 0 ? 7 : days);
    }

    // Local dates are Europe/Helsinki (DESIGN §5); midnight is never skipped by a daylight saving change there.
    private static DateTimeOffset HelsinkiMidnight(DateOnly date) => HelsinkiTime(date, TimeOnly.MinValue);

    // Only for times a daylight saving change never skips there (it changes at 03:00 and 04:00).
    private static DateTimeOffset HelsinkiTime(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time);
        return new DateTimeOffset(local, Helsinki().GetUtcOffset(local));
    }

    private static TimeZoneInfo Helsinki() => TimeZoneInfo.FindSystemTimeZoneById("Europe/Helsinki");
}
