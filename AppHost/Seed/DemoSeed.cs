using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
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

    /// <summary>The most uses <c>POST /api/redemptions/batch</c> takes at once.</summary>
    private const int MaxBatch = 500;

    /// <summary>
    /// How long to wait for a service to learn of what another has just registered (e.g. Venues → outbox → RabbitMQ →
    /// Cards' inbox): the Cards service of areas, Identity of venues, Redemptions of cards, venues and offerings.
    /// </summary>
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(30);

    /// <summary>Refusals of a use that mean the Redemptions service has not yet heard of the card, venue or offering.</summary>
    private static readonly HashSet<string> NotYetArrived = ["card-unknown", "venue-unknown", "offering-unknown"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<SeedResult> RunAsync(Uri gateway, string adminClientId, string adminSecret, LogSink log, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        // Refusals are logged to the developer's console, which is in English.
        http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        if (await IsPresentAsync(http, ct))
        {
            log.Write(LogSource, "demo data already present");
            return new SeedResult(true, 0, 0, 0, 0, 0, 0, 0, clock.Elapsed);
        }

        log.Write(LogSource, $"seeding demo data through {gateway} as {adminClientId}");
        http.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(http, adminClientId, adminSecret, ct));
        var scheduleStart = NextMonday(DateTimeOffset.UtcNow);
        int areas = 0, skipped = 0, venues = 0, offerings = 0, distributors = 0, cards = 0;
        var seeded = new List<SeededArea>();
        foreach (var area in DemoData.Areas)
        {
            if (!await RegisterAreaAsync(http, area, ct))
            {
                skipped++;
                log.Write(LogSource, $"{area.Code}: already registered, left as it is");
                continue;
            }

            var areaOfferings = 0;
            var areaVenues = new List<SeededVenue>();
            foreach (var venue in area.Venues)
            {
                var venueId = await RegisterVenueAsync(http, area.Code, venue, ct);
                var venueOfferings = new List<SeededOffering>();
                foreach (var offering in venue.Offerings)
                {
                    venueOfferings.Add(new(await PublishOfferingAsync(http, venueId, offering, scheduleStart, ct), offering.Kind, offering.Quota));
                }

                areaVenues.Add(new(venueId, venue.AcceptsOtherAreas, venueOfferings));
                areaOfferings += venue.Offerings.Count;
            }

            var areaCards = new List<SeededCard>();
            foreach (var distributor in area.Distributors)
            {
                var distributorId = await RegisterDistributorAsync(http, area.Code, distributor, ct);
                foreach (var card in distributor.Cards)
                {
                    areaCards.Add(new(await IssueCardAsync(http, distributorId, card, ct), area.Code, card.Kind, card.Children ?? 0, card.GroupSize));
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
            .Select(async area => (Area: area.Code, Planned: plans[area.Code], Uses: await RecordUsesAsync(http, gateway, area, plans[area.Code], ct))));
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

    private static async Task<bool> IsPresentAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/api/areas/{DemoData.MarkerArea}", ct);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw await FailureAsync(response, ct),
        };
    }

    /// <summary>A token from the token endpoint, waiting as told when its per-address rate limit answers 429.</summary>
    private static async Task<string> TokenAsync(HttpClient http, string clientId, string secret, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(
                [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret)]), ct);
            if (response.IsSuccessStatusCode) return (await response.Content.ReadFromJsonAsync<TokenResponse>(Json, ct))!.AccessToken;
            if (response.StatusCode != HttpStatusCode.TooManyRequests || waited.Elapsed > EventWait) throw await FailureAsync(response, ct);
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <returns>False when the area was registered already.</returns>
    private static async Task<bool> RegisterAreaAsync(HttpClient http, DemoArea area, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/areas", new AreaRequest(area.Code, area.Name, area.Municipalities, area.WelfareRegion), Json, ct);
        if (response.StatusCode == HttpStatusCode.Created) return true;
        if (response.StatusCode == HttpStatusCode.Conflict && (await ReadProblemAsync(response, ct))?.Code == "area-code-taken") return false;
        throw await FailureAsync(response, ct);
    }

    private static async Task<Guid> RegisterVenueAsync(HttpClient http, string areaCode, DemoVenue venue, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/venues",
            new VenueRequest(areaCode, venue.Name, venue.Category, venue.Municipality, venue.AcceptsOtherAreas), Json, ct);
        if (response.StatusCode != HttpStatusCode.Created) throw await FailureAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<CreatedResponse>(Json, ct))!.Id;
    }

    private static async Task<Guid> PublishOfferingAsync(HttpClient http, Guid venueId, DemoOffering offering, DateOnly scheduleStart, CancellationToken ct)
    {
        var (startsAt, endsAt) = offering.Weeks is { } weeks
            ? (HelsinkiMidnight(scheduleStart), HelsinkiMidnight(scheduleStart.AddDays(7 * weeks)))
            : ((DateTimeOffset?)null, (DateTimeOffset?)null);
        using var response = await http.PostAsJsonAsync($"/api/venues/{venueId}/offerings",
            new OfferingRequest(offering.Title, offering.Kind, offering.Quota, startsAt, endsAt), Json, ct);
        if (response.StatusCode != HttpStatusCode.Created) throw await FailureAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<CreatedResponse>(Json, ct))!.Id;
    }

    /// <summary>
    /// The Cards service learns of areas from the Venues service's events, so an area registered a moment ago may not be
    /// known there yet (400 <c>area-unknown</c>): ask again until it is, for at most <see cref="EventWait"/>.
    /// </summary>
    private static async Task<Guid> RegisterDistributorAsync(HttpClient http, string areaCode, DemoDistributor distributor, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.PostAsJsonAsync("/api/distributors", new DistributorRequest(areaCode, distributor.Name, distributor.UnitType), Json, ct);
            if (response.StatusCode == HttpStatusCode.Created) return (await response.Content.ReadFromJsonAsync<CreatedResponse>(Json, ct))!.Id;
            var areaNotYetKnown = response.StatusCode == HttpStatusCode.BadRequest && (await ReadProblemAsync(response, ct))?.Code == "area-unknown";
            if (!areaNotYetKnown || waited.Elapsed > EventWait) throw await FailureAsync(response, ct);
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    /// <returns>The card's number.</returns>
    private static async Task<string> IssueCardAsync(HttpClient http, Guid distributorId, DemoCard card, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/cards", new CardRequest(distributorId, card.Kind, card.BirthYear, card.PostalCode, card.Children,
            card.GroupSize, card.Gender, card.AgeGroup, card.LifeSituation), Json, ct);
        if (response.StatusCode != HttpStatusCode.Created) throw await FailureAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<IssuedCard>(Json, ct))!.CardNumber;
    }

    /// <summary>
    /// Records the area's planned visits through a partner client of all its venues, in batches. A use refused because
    /// the Redemptions service has not yet heard of its card, venue or offering is recorded again under a new key (a
    /// refusal is its key's answer for good) until it is taken, for at most <see cref="EventWait"/>.
    /// </summary>
    /// <returns>The uses (tickets) recorded.</returns>
    private static async Task<int> RecordUsesAsync(HttpClient http, Uri gateway, SeededArea area, IReadOnlyList<PlannedUse> planned, CancellationToken ct)
    {
        var partner = await CreatePartnerAsync(http, area, ct);
        using var desk = new HttpClient { BaseAddress = gateway, Timeout = http.Timeout };
        desk.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        desk.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(desk, partner.ClientId, partner.ClientSecret, ct));

        var pending = planned.Select(use => (Use: use, Key: use.Key)).ToList();
        var waited = Stopwatch.StartNew();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var again = new List<(PlannedUse Use, string Key)>();
            foreach (var chunk in pending.Chunk(MaxBatch))
            {
                using var response = await desk.PostAsJsonAsync("/api/redemptions/batch", new BatchRequest([.. chunk.Select(p => new BatchItem(
                    p.Key, p.Use.Card.Number, p.Use.VenueId, p.Use.OfferingId, p.Use.Adults, p.Use.Children, p.Use.OccurredAt))]), Json, ct);
                if (response.StatusCode != HttpStatusCode.OK) throw await FailureAsync(response, ct);
                var results = (await response.Content.ReadFromJsonAsync<BatchResponse>(Json, ct))!.Results;
                if (results.Count != chunk.Length) throw new HttpRequestException($"POST /api/redemptions/batch answered {results.Count} results to {chunk.Length} items");
                foreach (var (item, result) in chunk.Zip(results))
                {
                    if (result.Status == (int)HttpStatusCode.Created) continue;
                    var notYetArrived = result.Status == (int)HttpStatusCode.UnprocessableEntity && result.Code is { } code && NotYetArrived.Contains(code);
                    if (!notYetArrived || waited.Elapsed > EventWait)
                    {
                        var use = item.Use;
                        var still = notYetArrived ? $" (still after {EventWait.TotalSeconds:0} s)" : "";
                        throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture,
                            $"POST /api/redemptions/batch refused the demo use {item.Key} (card {use.Card.Number} at venue {use.VenueId}, offering {use.OfferingId}, {use.Adults} adults, {use.Children} children, at {use.OccurredAt:O}): {result.Status} {result.Code} {result.Detail}{still}"));
                    }

                    again.Add((item.Use, string.Create(CultureInfo.InvariantCulture, $"{item.Use.Key}-retry{attempt}")));
                }
            }

            if (again.Count > 0) await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            pending = again;
        }

        return planned.Sum(use => use.Tickets);
    }

    /// <summary>
    /// A partner client acting for all the area's venues, as a ticketing system would be. Identity learns of venues from
    /// the Venues service's events, so a venue registered a moment ago may not be known there yet (400 <c>venue-unknown</c>).
    /// </summary>
    private static async Task<CreatedClient> CreatePartnerAsync(HttpClient http, SeededArea area, CancellationToken ct)
    {
        var request = new ClientRequest($"Lipunmyyntijärjestelmä (demo), {area.Name}", "partner", [.. area.Venues.Select(v => v.Id)]);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.PostAsJsonAsync("/api/clients", request, Json, ct);
            if (response.StatusCode == HttpStatusCode.Created) return (await response.Content.ReadFromJsonAsync<CreatedClient>(Json, ct))!;
            var venueNotYetKnown = response.StatusCode == HttpStatusCode.BadRequest && (await ReadProblemAsync(response, ct))?.Code == "venue-unknown";
            if (!venueNotYetKnown || waited.Elapsed > EventWait) throw await FailureAsync(response, ct);
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
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

    private static async Task<HttpRequestException> FailureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var request = response.RequestMessage!;
        var problem = await ReadProblemAsync(response, ct);
        var why = (problem?.Code ?? problem?.Error) is { } code
            ? $"{code} {problem!.Detail ?? problem.Title ?? problem.ErrorDescription}"
            : response.ReasonPhrase;
        return new HttpRequestException($"{request.Method} {request.RequestUri!.PathAndQuery} answered {(int)response.StatusCode}: {why}", null, response.StatusCode);
    }

    private static async Task<Problem?> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<Problem>(Json, ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record AreaRequest(string Code, Name Name, IReadOnlyList<string> Municipalities, string WelfareRegion);

    private sealed record VenueRequest(string AreaCode, Name Name, string Category, string Municipality, bool AcceptsOtherAreas);

    private sealed record OfferingRequest(string Title, string Kind, Quota? Quota, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

    private sealed record DistributorRequest(string AreaCode, string Name, string UnitType);

    private sealed record CardRequest(
        Guid DistributorId, string Kind, int? BirthYear, string? PostalCode, int? Children, int? GroupSize, string? Gender, string? AgeGroup, string? LifeSituation);

    private sealed record CreatedResponse(Guid Id);

    private sealed record IssuedCard(string CardNumber);

    private sealed record ClientRequest(string Name, string Role, IReadOnlyList<Guid> VenueIds);

    private sealed record CreatedClient(string ClientId, string ClientSecret);

    private sealed record BatchItem(string IdempotencyKey, string CardNumber, Guid VenueId, Guid OfferingId, int Adults, int Children, DateTimeOffset OccurredAt);

    private sealed record BatchRequest(IReadOnlyList<BatchItem> Items);

    private sealed record BatchResponse(IReadOnlyList<BatchResult> Results);

    private sealed record BatchResult(string? IdempotencyKey, int Status, string? Code, string? Detail);

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken);

    /// <summary>An RFC 9457 problem, or an RFC 6749 error from the token endpoint.</summary>
    private sealed record Problem(
        string? Code,
        string? Title,
        string? Detail,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);
}
