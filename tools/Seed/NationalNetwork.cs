using System.Globalization;
using Kaikukortti.AppHost.Seed;

namespace Kaikukortti.Seed;

public sealed record PlannedArea(string Code, Name Name, IReadOnlyList<string> Municipalities, double Weight);

public sealed record PlannedVenue(int Area, Name Name, string Category, string Municipality, bool AcceptsOtherAreas, IReadOnlyList<PlannedOffering> Offerings);

public sealed record PlannedOffering(string Title, string Kind, Quota? Quota);

public sealed record PlannedDistributor(int Area, string Name, string UnitType);

/// <summary>A card of the earlier register: what <c>POST /api/cards</c> takes, its distributor by index.</summary>
public sealed record PlannedCard(int Area, int Distributor, string Kind, int? BirthYear, string? PostalCode, int? Children, int? GroupSize, DateOnly IssuedOn)
{
    public DateOnly ValidUntil => IssuedOn.AddYears(1);
}

/// <summary>One visit: its card, venue and offering by index.</summary>
public sealed record PlannedUse(int Card, int Venue, int Offering, int Adults, int Children, DateTimeOffset OccurredAt);

/// <summary>
/// A made-up national network, the same for the same seed, scale and day: at scale 1, 120 municipalities in 40 areas,
/// 600 distributor units, 450 venues with their offerings, 100,000 cards issued over the last ten years and 300,000
/// visits with them. Areas and municipalities stay as they are at any scale (they are the country); everything else
/// grows with it. Names are made up; cards carry only what DESIGN §1 allows, drawn at random.
/// </summary>
public sealed class NationalNetwork
{
    public const int AreaCount = 40;
    public const int MunicipalitiesPerArea = 3;
    public const int Years = 10;

    private static readonly string[] Stems =
        ["Järvi", "Koski", "Mäki", "Lahti", "Salo", "Kallio", "Harju", "Niemi", "Saari", "Lampi", "Joki", "Vaara", "Aho", "Rinne", "Suo", "Kangas", "Metsä", "Ranta", "Kivi", "Laakso"];

    private static readonly string[] Endings = ["la", "nen", "vesi", "järvi", "koski", "mäki", "lahti", "salmi", "pää", "kylä"];

    private static readonly (string Category, double Share, string Fi, string Sv, string En)[] Categories =
    [
        ("culture", 0.40, "Kulttuuritalo", "Kulturhus", "Arts Centre"),
        ("sport", 0.30, "Liikuntakeskus", "Idrottscenter", "Sports Centre"),
        ("education", 0.20, "Kansalaisopisto", "Medborgarinstitut", "Adult Education Centre"),
        ("science", 0.10, "Tiedekeskus", "Vetenskapscenter", "Science Centre"),
    ];

    private static readonly string[] UnitTypes =
        ["adult-social-work", "mental-health", "employment", "substance-abuse", "outreach-youth", "parish-diaconal", "child-and-family", "other"];

    public int Seed { get; }
    public int Scale { get; }
    public DateOnly Today { get; }
    public IReadOnlyList<PlannedArea> Areas { get; }
    public IReadOnlyList<PlannedVenue> Venues { get; }
    public IReadOnlyList<PlannedDistributor> Distributors { get; }
    public IReadOnlyList<PlannedCard> Cards { get; }
    public int UseCount => 300_000 * Scale;

    /// <summary>The network as of <paramref name="today"/> (Europe/Helsinki): cards are issued up to it, visits up to the day before.</summary>
    public NationalNetwork(int seed, int scale, DateOnly today)
    {
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale is a whole number from 1.");
        Seed = seed;
        Scale = scale;
        Today = today;
        // One generator per kind of thing, so a change in how one is drawn leaves the others as they were.
        Areas = PlanAreas(new Random(seed));
        Venues = PlanVenues(new Random(seed + 1), 450 * scale);
        Distributors = PlanDistributors(new Random(seed + 2), 600 * scale);
        Cards = PlanCards(new Random(seed + 3), 100_000 * scale);
    }

    /// <summary>The visits, drawn lazily in the same order every time (there are millions at scale 10).</summary>
    public IEnumerable<PlannedUse> Uses()
    {
        var random = new Random(Seed + 4);
        var venuesByArea = Enumerable.Range(0, Areas.Count).Select(a => Venues.Select((v, i) => (v, i)).Where(x => x.v.Area == a).Select(x => x.i).ToArray()).ToArray();
        var welcoming = Venues.Select((v, i) => (v, i)).Where(x => x.v.AcceptsOtherAreas).Select(x => x.i).ToArray();
        var lastDay = Today.AddDays(-1);
        var usable = Cards.Select((c, i) => (c, i)).Where(x => x.c.IssuedOn <= lastDay).Select(x => x.i).ToArray();
        for (var n = 0; n < UseCount; n++)
        {
            var cardIndex = usable[random.Next(usable.Length)];
            var card = Cards[cardIndex];
            var until = card.ValidUntil < lastDay ? card.ValidUntil : lastDay;
            var day = card.IssuedOn.AddDays(random.Next(until.DayNumber - card.IssuedOn.DayNumber + 1));
            // Most visits are close to home; some venues do not take other areas' cards.
            var home = venuesByArea[card.Area];
            var venueIndex = home.Length > 0 && random.NextDouble() < 0.85 ? home[random.Next(home.Length)] : welcoming[random.Next(welcoming.Length)];
            var venue = Venues[venueIndex];
            var offeringIndex = random.Next(venue.Offerings.Count);
            var course = venue.Offerings[offeringIndex].Kind == "course";
            int adults, children;
            if (card.Kind == "community")
            {
                adults = 1 + random.Next(2);
                children = course ? 0 : random.Next(card.GroupSize!.Value - adults + 1);
            }
            else
            {
                adults = 1;
                children = course || random.NextDouble() < 0.5 ? 0 : random.Next(card.Children!.Value + 1);
            }
            // Between 9:00 and 20:00 Helsinki time; the zone's offset that day keeps it a real local time.
            var local = day.ToDateTime(new TimeOnly(9, 0)).AddMinutes(random.Next(11 * 60));
            var occurredAt = new DateTimeOffset(local, Helsinki.GetUtcOffset(local));
            yield return new PlannedUse(cardIndex, venueIndex, offeringIndex, adults, children, occurredAt);
        }
    }

    public static readonly TimeZoneInfo Helsinki = TimeZoneInfo.FindSystemTimeZoneById("Europe/Helsinki");

    public static string AreaCode(int area) => string.Create(CultureInfo.InvariantCulture, $"alue-{area + 1:00}");

    private static List<PlannedArea> PlanAreas(Random random)
    {
        var names = Stems.SelectMany(stem => Endings.Select(ending => stem + ending)).OrderBy(_ => random.Next()).Take(AreaCount * MunicipalitiesPerArea).ToList();
        return [.. Enumerable.Range(0, AreaCount).Select(a =>
        {
            var municipalities = names.Skip(a * MunicipalitiesPerArea).Take(MunicipalitiesPerArea).ToList();
            var name = string.Join(" – ", municipalities);
            // A few big areas and many small ones, as in Finland.
            return new PlannedArea(AreaCode(a), new Name(name, name, name), municipalities, Math.Pow(random.NextDouble(), 2) + 0.05);
        })];
    }

    private List<PlannedVenue> PlanVenues(Random random, int count) => [.. Enumerable.Range(0, count).Select(v =>
    {
        var area = PickArea(random);
        var municipality = Areas[area].Municipalities[random.Next(MunicipalitiesPerArea)];
        var (category, _, fi, sv, en) = PickCategory(random);
        var number = v + 1;
        var name = new Name($"{fi} {number}, {municipality}", $"{sv} {number}, {municipality}", $"{en} {number}, {municipality}");
        List<PlannedOffering> offerings = category == "education"
            ? [new("Kurssipaikka", "course", null), new("Luento", "admission", null)]
            : [new("Pääsylippu", "admission", null)];
        if (random.NextDouble() < 0.2) offerings.Add(new("Kausikortti", "season-pass", new Quota(1000, "day")));
        return new PlannedVenue(area, name, category, municipality, random.NextDouble() < 0.85, offerings);
    })];

    private List<PlannedDistributor> PlanDistributors(Random random, int count) => [.. Enumerable.Range(0, count).Select(d =>
    {
        var area = PickArea(random);
        var unitType = UnitTypes[random.Next(UnitTypes.Length)];
        return new PlannedDistributor(area, string.Create(CultureInfo.InvariantCulture, $"Palvelupiste {d + 1}, {Areas[area].Municipalities[0]}"), unitType);
    })];

    private List<PlannedCard> PlanCards(Random random, int count)
    {
        var distributorsByArea = Enumerable.Range(0, Areas.Count).Select(a => Distributors.Select((d, i) => (d, i)).Where(x => x.d.Area == a).Select(x => x.i).ToArray()).ToArray();
        var firstDay = Today.AddYears(-Years);
        var span = Today.DayNumber - firstDay.DayNumber;
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var area = PickArea(random, a => distributorsByArea[a].Length > 0);
            var distributor = distributorsByArea[area][random.Next(distributorsByArea[area].Length)];
            // The scheme grew over the years: more cards were issued lately than at the start.
            var issuedOn = firstDay.AddDays((int)(span * Math.Sqrt(random.NextDouble())));
            if (random.NextDouble() < 0.05) return new PlannedCard(area, distributor, "community", null, null, null, 5 + random.Next(26), issuedOn);
            var birthYear = issuedOn.Year - 16 - random.Next(70);
            var postalCode = string.Create(CultureInfo.InvariantCulture, $"{10_000 + random.Next(89_999):00000}");
            var children = random.NextDouble() < 0.6 ? 0 : 1 + random.Next(4);
            return new PlannedCard(area, distributor, "personal", birthYear, postalCode, children, null, issuedOn);
        })];
    }

    private int PickArea(Random random, Func<int, bool>? allowed = null)
    {
        while (true)
        {
            var total = Areas.Sum(a => a.Weight);
            var point = random.NextDouble() * total;
            var area = 0;
            while (area < Areas.Count - 1 && point >= Areas[area].Weight)
            {
                point -= Areas[area].Weight;
                area++;
            }
            if (allowed?.Invoke(area) ?? true) return area;
        }
    }

    private static (string Category, double Share, string Fi, string Sv, string En) PickCategory(Random random)
    {
        var point = random.NextDouble();
        foreach (var category in Categories)
        {
            if (point < category.Share) return category;
            point -= category.Share;
        }
        return Categories[^1];
    }
}
