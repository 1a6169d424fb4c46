using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kaikukortti.AppHost.Seed;

public sealed record Name(string Fi, string Sv, string En);

public sealed record Quota(int Tickets, string Per);

/// <summary>
/// A card as <c>POST /api/cards</c> takes it: for a personal card only what DESIGN §1 allows, for a community card its
/// group size. <see cref="IssuedOn"/> only for a card carried over from the earlier register (national admin).
/// </summary>
public sealed record CardRequest(
    Guid DistributorId, string Kind, int? BirthYear, string? PostalCode, int? Children, int? GroupSize, string? Gender = null, string? AgeGroup = null,
    string? LifeSituation = null, DateOnly? IssuedOn = null);

public sealed record CreatedClient(string ClientId, string ClientSecret);

/// <summary>One use for <c>/api/redemptions/batch</c> or <c>/import</c>.</summary>
public sealed record UseItem(string IdempotencyKey, string CardNumber, Guid VenueId, Guid? OfferingId, int Adults, int Children, DateTimeOffset OccurredAt);

/// <summary>
/// The public API calls the seeders make, as any client would make them: through the gateway, with the waits that
/// events between services need (a service learns of an area, venue or card a moment after another registered it).
/// </summary>
public sealed class SeedApi : IDisposable
{
    /// <summary>How long to wait for a service to learn of what another has just registered.</summary>
    public static readonly TimeSpan EventWait = TimeSpan.FromSeconds(30);

    /// <summary>The most uses one batch or import takes.</summary>
    public const int MaxBatch = 500;

    /// <summary>Refusals of a use that mean the Redemptions service has not yet heard of the card, venue or offering.</summary>
    private static readonly HashSet<string> NotYetArrived = ["card-unknown", "venue-unknown", "offering-unknown"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private const string TokenPath = "/connect/token";

    private readonly HttpClient http;
    private readonly SemaphoreSlim signingIn = new(1, 1);
    private (string ClientId, string Secret)? credentials;
    private volatile string? token;

    /// <summary>A client of <paramref name="gateway"/>; refusals read in English, for the developer's console.</summary>
    public SeedApi(Uri gateway)
    {
        http = new HttpClient(new Authorizing(this) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
    }

    public HttpClient Http => http;

    /// <summary>The bearer token of the client signed in, for tools that send requests of their own (e.g. wrk).</summary>
    public string? Token => token;

    /// <summary>Signs in with a token from the token endpoint; a long seed signs in again when the token expires.</summary>
    public async Task SignInAsync(string clientId, string secret, CancellationToken ct)
    {
        credentials = (clientId, secret);
        token = await TokenAsync(clientId, secret, ct);
    }

    public void Dispose()
    {
        http.Dispose();
        signingIn.Dispose();
    }

    private async Task<string> TokenAsync(string clientId, string secret, CancellationToken ct)
    {
        using var response = await http.PostAsync(TokenPath, new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret)]), ct);
        if (!response.IsSuccessStatusCode) throw await FailureAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(Json, ct))!.AccessToken;
    }

    /// <summary>Signs in again unless another request has done so since <paramref name="expired"/> was refused.</summary>
    private async Task RenewTokenAsync(string expired, CancellationToken ct)
    {
        await signingIn.WaitAsync(ct);
        try
        {
            if (token == expired && credentials is { } signIn) token = await TokenAsync(signIn.ClientId, signIn.Secret, ct);
        }
        finally
        {
            signingIn.Release();
        }
    }

    /// <summary>
    /// Sends each request with the current token, and again when the gateway's rate limit answers 429 (after its
    /// Retry-After) or the token has expired (401, once signed in anew): a seed of millions of rows outlasts both.
    /// </summary>
    private sealed class Authorizing(SeedApi api) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var signedIn = request.RequestUri?.AbsolutePath != TokenPath ? api.token : null;
                if (signedIn is not null) request.Headers.Authorization = new("Bearer", signedIn);
                var response = await base.SendAsync(request, ct);
                if (response.StatusCode == HttpStatusCode.TooManyRequests && waited.Elapsed < EventWait)
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
                else if (response.StatusCode == HttpStatusCode.Unauthorized && signedIn is not null && waited.Elapsed < EventWait)
                    await api.RenewTokenAsync(signedIn, ct);
                else
                    return response;
                response.Dispose();
                request = Copy(request);
            }
        }

        // A sent request cannot be sent again; its content can (JSON and form contents serialize anew).
        private static HttpRequestMessage Copy(HttpRequestMessage sent)
        {
            var copy = new HttpRequestMessage(sent.Method, sent.RequestUri) { Content = sent.Content, Version = sent.Version };
            foreach (var header in sent.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            return copy;
        }
    }

    /// <summary>Whether the area is registered.</summary>
    public async Task<bool> AreaExistsAsync(string code, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/api/areas/{code}", ct);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw await FailureAsync(response, ct),
        };
    }

    /// <returns>False when the area was registered already.</returns>
    public async Task<bool> RegisterAreaAsync(string code, Name name, IReadOnlyList<string> municipalities, string welfareRegion, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/areas", new AreaRequest(code, name, municipalities, welfareRegion), Json, ct);
        if (response.StatusCode == HttpStatusCode.Created) return true;
        if (response.StatusCode == HttpStatusCode.Conflict && (await ReadProblemAsync(response, ct))?.Code == "area-code-taken") return false;
        throw await FailureAsync(response, ct);
    }

    public async Task<Guid> RegisterVenueAsync(string areaCode, Name name, string category, string municipality, bool acceptsOtherAreas, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/venues", new VenueRequest(areaCode, name, category, municipality, acceptsOtherAreas), Json, ct);
        if (response.StatusCode != HttpStatusCode.Created) throw await FailureAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<CreatedResponse>(Json, ct))!.Id;
    }

    public async Task<Guid> PublishOfferingAsync(
        Guid venueId, string title, string kind, Quota? quota, DateTimeOffset? startsAt, DateTimeOffset? endsAt, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"/api/venues/{venueId}/offerings", new OfferingRequest(title, kind, quota, startsAt, endsAt), Json, ct);
        if (response.StatusCode != HttpStatusCode.Created) throw await FailureAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<CreatedResponse>(Json, ct))!.Id;
    }

    /// <summary>Registers a distributor unit, asking again while the Cards service has not yet heard of its area (400 <c>area-unknown</c>).</summary>
    public Task<Guid> RegisterDistributorAsync(string areaCode, string name, string unitType, CancellationToken ct) =>
        CreateWhenKnownAsync("/api/distributors", new DistributorRequest(areaCode, name, unitType), "area-unknown",
            async response => (await response.Content.ReadFromJsonAsync<CreatedResponse>(Json, ct))!.Id, ct);

    /// <returns>The card's number.</returns>
    public async Task<string> IssueCardAsync(CardRequest card, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/cards", card, Json, ct);
        if (response.StatusCode != HttpStatusCode.Created) throw await FailureAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<IssuedCard>(Json, ct))!.CardNumber;
    }

    /// <summary>A partner client acting for <paramref name="venueIds"/>, asked for again while Identity has not yet heard of a venue.</summary>
    public Task<CreatedClient> CreatePartnerAsync(string name, IReadOnlyList<Guid> venueIds, CancellationToken ct) =>
        CreateWhenKnownAsync("/api/clients", new ClientRequest(name, "partner", venueIds), "venue-unknown",
            async response => (await response.Content.ReadFromJsonAsync<CreatedClient>(Json, ct))!, ct);

    /// <summary>
    /// Records <paramref name="uses"/> through <paramref name="path"/> (<c>/api/redemptions/batch</c> or <c>/import</c>) in
    /// batches. A use refused because the Redemptions service has not yet heard of its card, venue or offering is sent
    /// again under a new key (a refusal is its key's answer for good) until it is taken, for at most <see cref="EventWait"/>
    /// after the last progress; any other refusal is an error in the seed.
    /// </summary>
    /// <param name="recorded">Told how many uses each batch recorded, for a progress bar.</param>
    public async Task RecordAsync(string path, IReadOnlyList<UseItem> uses, Action<int>? recorded, CancellationToken ct)
    {
        var pending = uses.Select(use => (Use: use, Key: use.IdempotencyKey)).ToList();
        var waited = Stopwatch.StartNew();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var again = new List<(UseItem Use, string Key)>();
            foreach (var chunk in pending.Chunk(MaxBatch))
            {
                using var response = await http.PostAsJsonAsync(path, new BatchRequest([.. chunk.Select(p => p.Use with { IdempotencyKey = p.Key })]), Json, ct);
                if (response.StatusCode != HttpStatusCode.OK) throw await FailureAsync(response, ct);
                var results = (await response.Content.ReadFromJsonAsync<BatchResponse>(Json, ct))!.Results;
                if (results.Count != chunk.Length) throw new HttpRequestException($"POST {path} answered {results.Count} results to {chunk.Length} items");
                var taken = 0;
                foreach (var ((use, key), result) in chunk.Zip(results))
                {
                    if (result.Status == (int)HttpStatusCode.Created)
                    {
                        taken++;
                        continue;
                    }
                    var notYetArrived = result.Status == (int)HttpStatusCode.UnprocessableEntity && result.Code is { } code && NotYetArrived.Contains(code);
                    if (!notYetArrived || waited.Elapsed > EventWait)
                    {
                        var still = notYetArrived ? $" (still after {EventWait.TotalSeconds:0} s)" : "";
                        throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture,
                            $"POST {path} refused the seeded use {key} (card {use.CardNumber} at venue {use.VenueId}, offering {use.OfferingId}, {use.Adults} adults, {use.Children} children, at {use.OccurredAt:O}): {result.Status} {result.Code} {result.Detail}{still}"));
                    }
                    again.Add((use, string.Create(CultureInfo.InvariantCulture, $"{use.IdempotencyKey}-retry{attempt}")));
                }
                if (taken > 0) waited.Restart();
                recorded?.Invoke(taken);
            }
            if (again.Count > 0) await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            pending = again;
        }
    }

    private async Task<T> CreateWhenKnownAsync<T>(string path, object request, string notYetKnownCode, Func<HttpResponseMessage, Task<T>> read, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.PostAsJsonAsync(path, request, Json, ct);
            if (response.StatusCode == HttpStatusCode.Created) return await read(response);
            var notYetKnown = response.StatusCode == HttpStatusCode.BadRequest && (await ReadProblemAsync(response, ct))?.Code == notYetKnownCode;
            if (!notYetKnown || waited.Elapsed > EventWait) throw await FailureAsync(response, ct);
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

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

    private sealed record CreatedResponse(Guid Id);

    private sealed record IssuedCard(string CardNumber);

    private sealed record ClientRequest(string Name, string Role, IReadOnlyList<Guid> VenueIds);

    private sealed record BatchRequest(IReadOnlyList<UseItem> Items);

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
