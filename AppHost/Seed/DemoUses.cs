using System.Globalization;

namespace Kaikukortti.AppHost.Seed;

/// <summary>A venue the seed registered, with the ids of its offerings.</summary>
internal sealed record SeededVenue(Guid Id, bool AcceptsOtherAreas, IReadOnlyList<SeededOffering> Offerings);

internal sealed record SeededOffering(Guid Id, string Kind, Quota? Quota);

/// <summary>A card the seed issued: its number and what it covers.</summary>
internal sealed record SeededCard(string Number, string AreaCode, string Kind, int Children, int? GroupSize);

/// <summary>An area the seed registered in this run, with its venues and the cards its distributors issued.</summary>
internal sealed record SeededArea(string Code, string Name, IReadOnlyList<SeededVenue> Venues, IReadOnlyList<SeededCard> Cards);

/// <summary>One visit to record: a card's holder (and children) or a community card's group at a venue's admission offering.</summary>
internal sealed record PlannedUse(string Key, SeededCard Card, Guid VenueId, Guid OfferingId, int Adults, int Children, DateTimeOffset OccurredAt)
{
    /// <summary>Uses (tickets) the visit counts as: adults and children.</summary>
    public int Tickets => Adults + Children;
}

/// <summary>
/// Plans the demo uses: visits by each area's own cards at its venues' admission offerings, and a few by other areas'
/// cards at venues that accept them, from a fixed pseudo-random sequence so that the same network gives the same visits.
/// </summary>
internal static class DemoUses
{
    public const int RandomSeed = 2026;

    /// <summary>Of a quota, the part the seed may take in any one period: a third, so the demo leaves most tickets free.</summary>
    private const int QuotaShare = 3;

    /// <summary>Quotas smaller than this are left alone; so are per-event quotas, which for an admission last for ever.</summary>
    private const int SmallestQuota = 15;

    private const double CrossAreaShare = 0.1;
    private const double CommunityShare = 0.15;
    private const int MaxMisses = 50;

    /// <summary>Each area's visits, keyed <c>seed-{area}-{n}</c>, within each offering's share of its quota.</summary>
    /// <remarks>
    /// A use may not fall before its card's day of issue (the Redemptions service refuses it as <c>card-unknown</c>), and
    /// the seed issues its cards today, so every visit falls between <paramref name="from"/> and <paramref name="to"/> today.
    /// </remarks>
    public static IReadOnlyDictionary<string, IReadOnlyList<PlannedUse>> Plan(IReadOnlyList<SeededArea> areas, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        var random = new Random(RandomSeed);
        var taken = new Dictionary<(Guid Offering, string Period), int>();
        var plans = new Dictionary<string, IReadOnlyList<PlannedUse>>();
        foreach (var area in areas)
        {
            var own = Split(area.Cards);
            var others = Split(areas.Where(a => a.Code != area.Code).SelectMany(a => a.Cards).ToList());
            var target = 20 + 6 * area.Venues.Count;
            var visits = new List<PlannedUse>();
            var tickets = 0;
            var misses = 0;
            while (tickets < target && misses < MaxMisses)
            {
                var crossArea = others.Any && random.NextDouble() < CrossAreaShare;
                var card = (crossArea ? others : own).Pick(random);
                if (card is null) break;
                var (adults, children) = Party(card, random);
                var occurredAt = Between(from, to, random);
                var offerings = area.Venues.Where(v => !crossArea || v.AcceptsOtherAreas)
                    .SelectMany(v => v.Offerings.Where(o => o.Kind == "admission" && Fits(o, occurredAt, adults + children, taken, zone)).Select(o => (Venue: v, Offering: o)))
                    .ToList();
                if (offerings.Count == 0)
                {
                    misses++;
                    continue;
                }

                var (venue, offering) = offerings[random.Next(offerings.Count)];
                if (Period(offering, occurredAt, zone) is { } period) taken[(offering.Id, period)] = taken.GetValueOrDefault((offering.Id, period)) + adults + children;
                visits.Add(new PlannedUse(string.Create(CultureInfo.InvariantCulture, $"seed-{area.Code}-{visits.Count + 1:000}"), card, venue.Id, offering.Id, adults, children,
                    occurredAt));
                tickets += adults + children;
            }

            plans[area.Code] = visits;
        }

        return plans;
    }

    /// <summary>A personal card admits its holder with some of the card's children; a community card a worker or two with a group.</summary>
    private static (int Adults, int Children) Party(SeededCard card, Random random)
    {
        if (card.Kind == "community")
        {
            var adults = random.Next(3) == 0 ? 2 : 1;
            var most = Math.Max(1, Math.Min((card.GroupSize ?? 1) - adults, 8));
            return (adults, random.Next(1, most + 1));
        }

        // Children only ever at admissions here: course places cover the holder only.
        return (1, card.Children == 0 || random.Next(2) == 0 ? 0 : random.Next(1, card.Children + 1));
    }

    private static bool Fits(SeededOffering offering, DateTimeOffset occurredAt, int tickets, Dictionary<(Guid, string), int> taken, TimeZoneInfo zone)
    {
        if (offering.Quota is not { } quota) return true;
        if (quota.Per == "event" || quota.Tickets < SmallestQuota) return false;
        return taken.GetValueOrDefault((offering.Id, Period(offering, occurredAt, zone)!)) + tickets <= quota.Tickets / QuotaShare;
    }

    /// <summary>The quota period a use falls in, as the Redemptions service counts it: the local day, ISO week or month.</summary>
    private static string? Period(SeededOffering offering, DateTimeOffset occurredAt, TimeZoneInfo zone)
    {
        if (offering.Quota is not { } quota) return null;
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(occurredAt, zone).DateTime);
        return quota.Per switch
        {
            "day" => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "week" => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)).ToString("'week-'yyyy-MM-dd", CultureInfo.InvariantCulture),
            "month" => day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            _ => quota.Per,
        };
    }

    /// <summary>A moment between the two, to the second.</summary>
    private static DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to, Random random)
    {
        var seconds = (long)((to - from).TotalSeconds * random.NextDouble());
        return from.AddSeconds(seconds);
    }

    private static Cards Split(IReadOnlyList<SeededCard> cards) =>
        new([.. cards.Where(c => c.Kind != "community")], [.. cards.Where(c => c.Kind == "community")]);

    /// <summary>Cards to draw from: mostly personal ones, now and then a community card's group.</summary>
    private sealed record Cards(IReadOnlyList<SeededCard> Personal, IReadOnlyList<SeededCard> Community)
    {
        public bool Any => Personal.Count + Community.Count > 0;

        public SeededCard? Pick(Random random)
        {
            var community = Community.Count > 0 && (Personal.Count == 0 || random.NextDouble() < CommunityShare);
            var from = community ? Community : Personal;
            return from.Count == 0 ? null : from[random.Next(from.Count)];
        }
    }
}
