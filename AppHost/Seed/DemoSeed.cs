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
public sealed record SeedResult(bool AlreadyPresent, int Areas, int AreasSkipped, int Venues, int Offerings, int Distributors, int Cards, TimeSpan Elapsed)
{
    public string Summary => AlreadyPresent
        ? "already present"
        : string.Create(CultureInfo.InvariantCulture,
            $"seeded {Areas} areas{(AreasSkipped > 0 ? $" ({AreasSkipped} already there)" : "")}, {Venues} venues, {Offerings} offerings, {Distributors} distributors, {Cards} cards in {Elapsed.TotalSeconds:0.0} s");
}

/// <summary>
/// Registers the demo network of <see cref="DemoData"/> through the gateway as the bootstrap national admin, the way any
/// client would, so every area, venue, offering, distributor and card publishes its events like one registered by hand.
/// </summary>
public static class DemoSeed
{
    public const string LogSource = "seed";

    /// <summary>How long to wait for the Cards service to learn of a new area (Venues → outbox → RabbitMQ → Cards' inbox).</summary>
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(30);

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
            return new SeedResult(true, 0, 0, 0, 0, 0, 0, clock.Elapsed);
        }

        log.Write(LogSource, $"seeding demo data through {gateway} as {adminClientId}");
        http.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(http, adminClientId, adminSecret, ct));
        var scheduleStart = NextMonday(DateTimeOffset.UtcNow);
        int areas = 0, skipped = 0, venues = 0, offerings = 0, distributors = 0, cards = 0;
        foreach (var area in DemoData.Areas)
        {
            if (!await RegisterAreaAsync(http, area, ct))
            {
                skipped++;
                log.Write(LogSource, $"{area.Code}: already registered, left as it is");
                continue;
            }

            var areaOfferings = 0;
            foreach (var venue in area.Venues)
            {
                var venueId = await RegisterVenueAsync(http, area.Code, venue, ct);
                foreach (var offering in venue.Offerings)
                {
                    await PublishOfferingAsync(http, venueId, offering, scheduleStart, ct);
                }

                areaOfferings += venue.Offerings.Count;
            }

            var areaCards = 0;
            foreach (var distributor in area.Distributors)
            {
                var distributorId = await RegisterDistributorAsync(http, area.Code, distributor, ct);
                foreach (var card in distributor.Cards)
                {
                    await IssueCardAsync(http, distributorId, card, ct);
                }

                areaCards += distributor.Cards.Count;
            }

            log.Write(LogSource, $"{area.Code}: {area.Venues.Count} venues, {areaOfferings} offerings, {area.Distributors.Count} distributors, {areaCards} cards");
            areas++;
            venues += area.Venues.Count;
            offerings += areaOfferings;
            distributors += area.Distributors.Count;
            cards += areaCards;
        }

        var result = new SeedResult(false, areas, skipped, venues, offerings, distributors, cards, clock.Elapsed);
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

    private static async Task<string> TokenAsync(HttpClient http, string clientId, string secret, CancellationToken ct)
    {
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret)]), ct);
        if (!response.IsSuccessStatusCode) throw await FailureAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(Json, ct))!.AccessToken;
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

    private static async Task PublishOfferingAsync(HttpClient http, Guid venueId, DemoOffering offering, DateOnly scheduleStart, CancellationToken ct)
    {
        var (startsAt, endsAt) = offering.Weeks is { } weeks
            ? (HelsinkiMidnight(scheduleStart), HelsinkiMidnight(scheduleStart.AddDays(7 * weeks)))
            : ((DateTimeOffset?)null, (DateTimeOffset?)null);
        using var response = await http.PostAsJsonAsync($"/api/venues/{venueId}/offerings",
            new OfferingRequest(offering.Title, offering.Kind, offering.Quota, startsAt, endsAt), Json, ct);
        if (response.StatusCode != HttpStatusCode.Created) throw await FailureAsync(response, ct);
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

    private static async Task IssueCardAsync(HttpClient http, Guid distributorId, DemoCard card, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/cards", new CardRequest(distributorId, card.Kind, card.BirthYear, card.PostalCode, card.Children,
            card.GroupSize, card.Gender, card.AgeGroup, card.LifeSituation), Json, ct);
        if (response.StatusCode != HttpStatusCode.Created) throw await FailureAsync(response, ct);
    }

    private static DateOnly NextMonday(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Helsinki()).DateTime);
        var days = ((int)DayOfWeek.Monday - (int)today.DayOfWeek + 7) % 7;
        return today.AddDays(days == 0 ? 7 : days);
    }

    // Local dates are Europe/Helsinki (DESIGN §5); midnight is never skipped by a daylight saving change there.
    private static DateTimeOffset HelsinkiMidnight(DateOnly date)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, Helsinki().GetUtcOffset(midnight));
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

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken);

    /// <summary>An RFC 9457 problem, or an RFC 6749 error from the token endpoint.</summary>
    private sealed record Problem(
        string? Code,
        string? Title,
        string? Detail,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);
}
