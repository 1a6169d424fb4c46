using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.TestSupport;
using Npgsql;

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>
/// DESIGN §7: bad input never gives a 500 and never changes data. Every write endpoint of the public API gets a sweep of
/// bad requests through the gateway, each from a caller allowed to call it so that it reaches validation rather than a
/// 403. Each must get its expected 4xx as a problem with a <c>code</c>, and afterwards no table of any service's
/// database may differ. Runs with the system to itself, so nothing else writes between the two snapshots.
/// </summary>
[Collection(nameof(StopsServices))]
public sealed class MalformedInputTests(SystemFixture system)
{
    private const string BadRequest = "bad-request";
    private const string NotFound = "not-found";
    private const string TooLarge = "payload-too-large";
    private const string UnsupportedMediaType = "unsupported-media-type";
    private const string CardNumberInvalid = "card-number-invalid";

    private static readonly string Overlong = new('x', 10_000);

    [Fact]
    public async Task Bad_input_to_every_write_endpoint_is_refused_with_a_4xx_problem_and_changes_no_data()
    {
        var cases = Sweep(await Targets.CreateAsync(system)).ToList();
        var before = await DatabaseSnapshot.SettledAsync(system.System);

        var found = new string?[cases.Count];
        // Side by side, to keep the sweep short; the failures are listed in the order of the cases.
        await Parallel.ForAsync(0, cases.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => found[i] = await cases[i].FailureAsync());
        var failures = found.OfType<string>().ToList();

        failures.AddRange(before.ChangesIn(await DatabaseSnapshot.SettledAsync(system.System)));
        // No service fell over on the way (under a 40 MB body, say) without a 5xx to show for it.
        if (await system.Gateway.GetAsync("/health") is { StatusCode: not HttpStatusCode.OK } health)
            failures.Add($"GET /health after the sweep: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}");
        if (failures.Count > 0) Assert.Fail($"{failures.Count} failures in a sweep of {cases.Count} bad requests:\n{string.Join('\n', failures)}");
    }

    private static IEnumerable<Case> Sweep(Targets t) =>
    [
        .. Identity(t), .. Areas(t), .. Venues(t), .. Offerings(t), .. Distributors(t), .. Cards(t), .. Redemptions(t),
    ];

    private static IEnumerable<Case> Identity(Targets t)
    {
        // RFC 6749 §5.2: the token endpoint answers errors as {error, error_description}, not as problems.
        var token = new Endpoint("POST", "/connect/token", t.Anonymous);
        FormUrlEncodedContent Form(params (string Key, string Value)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
        StringContent FormText(string form) => Raw(form, "application/x-www-form-urlencoded");
        Action<HttpRequestMessage> Basic(string credentials) => request => request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        var grant = ("grant_type", "client_credentials");
        // Never the admin's id: five wrong secrets would lock it out of tokens for the rest of the run.
        var unknown = ("client_id", "malformed-input-unknown");
        yield return token.OAuth("JSON instead of a form",
            () => JsonContent.Create(new { grant_type = "client_credentials", client_id = "x", client_secret = "y" }), 400, "invalid_request");
        yield return token.OAuth("the form as text/plain", () => Raw("grant_type=client_credentials&client_id=x&client_secret=y", "text/plain"), 400, "invalid_request");
        yield return token.OAuth("no body", () => null, 400, "invalid_request");
        yield return token.OAuth("an empty form", () => Form(), 400, "invalid_request");
        yield return token.OAuth("grant_type=password", () => Form(("grant_type", "password"), unknown, ("client_secret", "y")), 400, "unsupported_grant_type");
        yield return token.OAuth("broken percent-encoding in grant_type", () => FormText("grant_type=%ZZ%&client_id=x&client_secret=y"), 400, "unsupported_grant_type");
        yield return token.OAuth("no client_secret", () => Form(grant, unknown), 401, "invalid_client");
        yield return token.OAuth("an overlong client_id", () => Form(grant, ("client_id", Overlong), ("client_secret", "y")), 401, "invalid_client");
        yield return token.OAuth("a NUL character in the form", () => Form(grant, ("client_id", "malformed\0input"), ("client_secret", "y")), 400, "invalid_request");
        yield return token.OAuth("a NUL character in the client id of HTTP Basic", () => Form(grant), 401, "invalid_client",
            Basic(Convert.ToBase64String("malformed%00input:y"u8)));
        yield return token.OAuth("HTTP Basic that is not base64", () => Form(grant), 401, "invalid_client", Basic("!!!not-base64!!!"));
        yield return token.OAuth("2 000 form fields",
            () => FormText(string.Join('&', Enumerable.Range(0, 2_000).Select(i => $"f{i}=1")) + "&grant_type=client_credentials"), 400, "invalid_request");
        yield return token.OAuth("a 5 000-character form key", () => FormText($"{new string('k', 5_000)}=1&grant_type=client_credentials"), 400, "invalid_request");
        foreach (var huge in token.HugeBodies()) yield return huge;

        var clients = new Endpoint("POST", "/api/clients", t.Admin, Valid: new JsonObject
        {
            ["name"] = "Virhetiski", ["role"] = "venue", ["venueIds"] = new JsonArray(JsonValue.Create(t.Site.VenueId)),
        });
        foreach (var bad in clients.MalformedBodies()) yield return bad;
        yield return clients.With("an overlong name", "name", Overlong, "name-too-long");
        yield return clients.With("a NUL character in the name", "name", "Virhe\0tiski", BadRequest);
        yield return clients.With("an unknown role", "role", "root", "client-role-invalid");
        yield return clients.With("a venue id that is not a GUID", "venueIds.0", "not-a-guid", BadRequest);
        yield return clients.With("501 venues", "venueIds", new JsonArray([.. Enumerable.Range(0, 501).Select(_ => JsonValue.Create(Guid.NewGuid()))]),
            "client-venues-invalid");
        yield return clients.With("a venue never registered", "venueIds.0", Guid.NewGuid().ToString(), "venue-unknown");

        var revoke = new Endpoint("DELETE", "/api/clients/{clientId}", t.Admin);
        yield return revoke.At("a client id never issued", "/api/clients/malformed-input-unknown", 404, "client-not-found");
        yield return revoke.At("an overlong client id", $"/api/clients/{new string('c', 5_000)}", 404, "client-not-found");
        yield return revoke.At("a NUL character in the client id", "/api/clients/malformed%00input", 400) with { Answer = Answer.Bare };
        yield return revoke.At("a 10 000-character client id", $"/api/clients/{Overlong}", 414) with { Answer = Answer.Bare };
        yield return revoke.At("broken UTF-8 in the client id", "/api/clients/%E2%82", 404, "client-not-found");
    }

    private static IEnumerable<Case> Areas(Targets t)
    {
        var areas = new Endpoint("POST", "/api/areas", t.Admin, Valid: new JsonObject
        {
            ["code"] = $"m-{Guid.NewGuid():N}"[..12], ["name"] = new JsonObject { ["fi"] = "Virhealue", ["sv"] = "Felområde" },
            ["municipalities"] = new JsonArray("Virhekunta"), ["welfareRegion"] = "Virheen hyvinvointialue",
        });
        foreach (var bad in areas.MalformedBodies()) yield return bad;
        yield return areas.With("a code with spaces and punctuation", "code", "Not Valid!", "area-code-invalid");
        yield return areas.With("an overlong code", "code", Overlong, "area-code-invalid");
        yield return areas.With("no municipalities", "municipalities", new JsonArray(), "area-municipalities-required");
        yield return areas.With("101 municipalities", "municipalities", new JsonArray([.. Enumerable.Range(0, 101).Select(i => JsonValue.Create($"Kunta {i}"))]),
            "area-too-many-municipalities");
        yield return areas.With("an overlong municipality", "municipalities.0", Overlong, "municipality-invalid");
        yield return areas.With("a null municipality", "municipalities.0", null, "municipality-invalid");
        yield return areas.With("a NUL character in a municipality", "municipalities.0", "Virhe\0kunta", BadRequest);
        yield return areas.With("no Finnish name", "name", new JsonObject { ["sv"] = "Felområde" }, "area-name-required");
        yield return areas.With("an overlong Finnish name", "name.fi", Overlong, "name-too-long");
        yield return areas.With("a NUL character in the Finnish name", "name.fi", "Virhe\0alue", BadRequest);
        yield return areas.With("an overlong welfare region", "welfareRegion", Overlong, "name-too-long");
    }

    private static IEnumerable<Case> Venues(Targets t)
    {
        JsonObject Venue() => new()
        {
            ["areaCode"] = t.AreaCode, ["name"] = new JsonObject { ["fi"] = "Virhekohde" }, ["category"] = "culture", ["municipality"] = t.Municipality,
            ["address"] = "Virhekatu 1", ["accessibility"] = "Esteetön sisäänkäynti", ["acceptsOtherAreas"] = false, ["contactEmail"] = "kohde@example.fi",
        };
        var venueId = t.Site.VenueId;
        var post = new Endpoint("POST", "/api/venues", t.Admin, Valid: Venue());
        var put = new Endpoint("PUT", "/api/venues/{id}", t.Admin, $"/api/venues/{venueId}", Venue());
        foreach (var venues in new[] { post, put })
        {
            foreach (var bad in venues.MalformedBodies()) yield return bad;
            yield return venues.With("an unknown category", "category", "music", "venue-category-invalid");
            yield return venues.With("a municipality outside the area", "municipality", "Atlantis", "venue-municipality-not-in-area");
            yield return venues.With("no Finnish name", "name", new JsonObject { ["en"] = "Error venue" }, "venue-name-required");
            yield return venues.With("an overlong Finnish name", "name.fi", Overlong, "name-too-long");
            yield return venues.With("a NUL character in the Finnish name", "name.fi", "Virhe\0kohde", BadRequest);
            yield return venues.With("an overlong address", "address", Overlong, "text-too-long");
            yield return venues.With("a NUL character in the address", "address", "Virhekatu\0 1", BadRequest);
            yield return venues.With("an overlong accessibility text", "accessibility", Overlong, "text-too-long");
            yield return venues.With("a contact email that is not one", "contactEmail", "not an email", "contact-email-invalid");
            yield return venues.With("an overlong contact email", "contactEmail", $"{Overlong}@example.fi", "text-too-long");
        }
        yield return post.With("an area never registered", "areaCode", "malformed-nowhere", "area-unknown");
        yield return put.With("another area", "areaCode", "malformed-elsewhere", "venue-area-immutable");
        foreach (var bad in put.BadGuids("/api/venues/{0}", "venue-not-found")) yield return bad;

        foreach (var action in new[] { "deactivate", "activate" })
            foreach (var bad in new Endpoint("POST", $"/api/venues/{{id}}/{action}", t.Admin).BadGuids($"/api/venues/{{0}}/{action}", "venue-not-found"))
                yield return bad;
    }

    private static IEnumerable<Case> Offerings(Targets t)
    {
        JsonObject Offering() => new()
        {
            ["title"] = "Virhenäytös", ["kind"] = "admission", ["quota"] = new JsonObject { ["tickets"] = 10, ["per"] = "event" },
            ["startsAt"] = "2030-01-01T18:00:00+02:00", ["endsAt"] = "2030-01-01T20:00:00+02:00",
        };
        var (venueId, offeringId) = (t.Site.VenueId, t.Site.OfferingId);
        // The venue's own client: offerings are its business too, and it has a rate budget of its own.
        var publish = new Endpoint("POST", "/api/venues/{id}/offerings", t.Site.Venue, $"/api/venues/{venueId}/offerings", Offering());
        var change = new Endpoint("PUT", "/api/venues/{id}/offerings/{offeringId}", t.Site.Venue, $"/api/venues/{venueId}/offerings/{offeringId}", Offering());
        foreach (var offerings in new[] { publish, change })
        {
            foreach (var bad in offerings.MalformedBodies()) yield return bad;
            yield return offerings.With("no title", "title", "  ", "offering-title-required");
            yield return offerings.With("an overlong title", "title", Overlong, "name-too-long");
            yield return offerings.With("a NUL character in the title", "title", "Virhe\0näytös", BadRequest);
            yield return offerings.With("an unknown kind", "kind", "concert", "offering-kind-invalid");
            yield return offerings.With("-1 tickets", "quota.tickets", -1, "quota-tickets-invalid");
            yield return offerings.With("0 tickets", "quota.tickets", 0, "quota-tickets-invalid");
            yield return offerings.With("2147483648 tickets", "quota.tickets", 2147483648L, BadRequest);
            yield return offerings.With("1e400 tickets", "quota.tickets", JsonNode.Parse("1e400"), BadRequest);
            yield return offerings.With("a quota per year", "quota.per", "year", "quota-period-invalid");
            yield return offerings.With("an end before the start", "endsAt", "2030-01-01T17:00:00+02:00", "offering-ends-before-start");
            yield return offerings.With("the 13th month", "startsAt", "2030-13-01T18:00:00+02:00", BadRequest);
            yield return offerings.With("a time before year 1 in UTC", "startsAt", "0001-01-01T00:00:00+14:00", BadRequest);
        }
        foreach (var bad in publish.BadGuids("/api/venues/{0}/offerings", "venue-not-found")) yield return bad;
        yield return change.At("an offering id that is not a GUID", $"/api/venues/{venueId}/offerings/not-a-guid", 404, NotFound);
        yield return change.At("an offering never published", $"/api/venues/{venueId}/offerings/{Guid.NewGuid()}", 404, "offering-not-found");
    }

    private static IEnumerable<Case> Distributors(Targets t)
    {
        var distributors = new Endpoint("POST", "/api/distributors", t.Admin, Valid: new JsonObject
        {
            ["areaCode"] = t.AreaCode, ["name"] = "Virheyksikkö", ["unitType"] = "adult-social-work",
        });
        foreach (var bad in distributors.MalformedBodies()) yield return bad;
        yield return distributors.With("no area", "areaCode", null, "distributor-area-required");
        yield return distributors.With("an area never registered", "areaCode", "malformed-nowhere", "area-unknown");
        yield return distributors.With("no name", "name", "", "distributor-name-required");
        yield return distributors.With("an overlong name", "name", Overlong, "name-too-long");
        yield return distributors.With("a NUL character in the name", "name", "Virhe\0yksikkö", BadRequest);
        yield return distributors.With("an unknown unit type", "unitType", "secret-service", "unit-type-invalid");

        foreach (var action in new[] { "deactivate", "activate" })
            foreach (var bad in new Endpoint("POST", $"/api/distributors/{{id}}/{action}", t.Admin)
                         .BadGuids($"/api/distributors/{{0}}/{action}", "distributor-not-found"))
                yield return bad;
    }

    private static IEnumerable<Case> Cards(Targets t)
    {
        var unit = t.Site.Distributor;
        var personal = new Endpoint("POST", "/api/cards", unit, Valid: new JsonObject
        {
            ["distributorId"] = JsonValue.Create(t.Site.DistributorId), ["kind"] = "personal", ["birthYear"] = 1984, ["postalCode"] = "60100", ["children"] = 1,
            ["gender"] = "female", ["ageGroup"] = "30-64", ["lifeSituation"] = "unemployed",
        });
        foreach (var bad in personal.MalformedBodies()) yield return bad;
        yield return personal.With("an unknown kind", "kind", "family", "card-kind-invalid");
        yield return personal.With("children -1", "children", -1, "children-invalid");
        yield return personal.With("21 children", "children", 21, "children-invalid");
        yield return personal.With("2147483648 children", "children", 2147483648L, BadRequest);
        yield return personal.With("birth year -1", "birthYear", -1, "birth-year-invalid");
        yield return personal.With("birth year 2147483648", "birthYear", 2147483648L, BadRequest);
        yield return personal.With("a holder born this year", "birthYear", DateTime.UtcNow.Year, "holder-too-young");
        yield return personal.With("a 4-digit postal code", "postalCode", "6010", "postal-code-invalid");
        yield return personal.With("a NUL character in the postal code", "postalCode", "6010\0", BadRequest);
        yield return personal.With("an overlong postal code", "postalCode", Overlong, "postal-code-invalid");
        yield return personal.With("an unknown gender", "gender", "unknown", "card-option-invalid");
        yield return personal.With("an overlong life situation", "lifeSituation", Overlong, "card-option-invalid");
        yield return personal.With("a group size on a personal card", "groupSize", 5, "card-field-not-allowed");
        yield return personal.With("a distributor id that is not a GUID", "distributorId", "not-a-guid", BadRequest);

        var community = new Endpoint("POST", "/api/cards", unit, Valid: new JsonObject { ["kind"] = "community", ["groupSize"] = 8 });
        yield return community.With("group size -5", "groupSize", -5, "group-size-invalid");
        yield return community.With("group size 0", "groupSize", 0, "group-size-invalid");
        yield return community.With("group size 31", "groupSize", 31, "group-size-invalid");
        yield return community.With("group size 2147483648", "groupSize", 2147483648L, BadRequest);
        yield return community.With("children on a community card", "children", 2, "card-field-not-allowed");

        var card = t.Card;
        var renew = new Endpoint("POST", "/api/cards/{cardNumber}/renew", unit);
        var close = new Endpoint("POST", "/api/cards/{cardNumber}/close", unit, $"/api/cards/{card}/close", new JsonObject { ["reason"] = "holder-request" });
        var replace = new Endpoint("POST", "/api/cards/{cardNumber}/replace", unit, $"/api/cards/{card}/replace", new JsonObject { ["reason"] = "lost" });
        foreach (var (endpoint, action) in new[] { (renew, "renew"), (close, "close"), (replace, "replace") })
            foreach (var bad in endpoint.BadCardNumbers($"/api/cards/{{0}}/{action}")) yield return bad;
        foreach (var bad in close.MalformedBodies()) yield return bad;
        yield return close.With("an unknown reason", "reason", "bored", "close-reason-invalid");
        yield return close.With("no reason", "reason", null, "close-reason-invalid");
        yield return close.With("an overlong reason", "reason", Overlong, "close-reason-invalid");
        yield return close.With("a NUL character in the reason", "reason", "lost\0", BadRequest);
        foreach (var bad in replace.MalformedBodies()) yield return bad;
        yield return replace.With("a reason that is not for a replacement", "reason", "holder-request", "replace-reason-invalid");
        yield return replace.With("an overlong reason", "reason", Overlong, "replace-reason-invalid");
    }

    private static IEnumerable<Case> Redemptions(Targets t)
    {
        // Every bad use below is refused before its key is claimed: a refusal (422) would be remembered for replay, which is a write.
        JsonObject Use() => new()
        {
            ["cardNumber"] = t.Card, ["venueId"] = JsonValue.Create(t.Site.VenueId), ["offeringId"] = JsonValue.Create(t.Site.OfferingId),
            ["adults"] = 1, ["children"] = 0, ["assistants"] = 0,
            ["occurredAt"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O"),
        };
        var record = new Endpoint("POST", "/api/redemptions", t.Site.Venue, Valid: Use(), IdempotencyKey: true);
        foreach (var bad in record.MalformedBodies()) yield return bad;
        foreach (var bad in BadUses((input, field, value, code) => record.With(input, field, value, code))) yield return bad;
        yield return record.Adjusted("no Idempotency-Key", request => request.Headers.Remove("Idempotency-Key"), "idempotency-key-required");
        yield return record.Adjusted("a blank Idempotency-Key", request => request.Headers.TryAddWithoutValidation("Idempotency-Key", " "), "idempotency-key-required");
        yield return record.Adjusted("a 201-character Idempotency-Key", request => request.Headers.Add("Idempotency-Key", new string('k', 201)),
            "idempotency-key-invalid");

        JsonObject Batch(bool imported) => new() { ["items"] = new JsonArray(Use().Also(item => item["idempotencyKey"] = imported ? "import-1" : "batch-1")) };
        var batch = new Endpoint("POST", "/api/redemptions/batch", t.Site.Venue, Valid: Batch(imported: false));
        // The national admin imports at any venue.
        var import = new Endpoint("POST", "/api/redemptions/import", t.Admin, Valid: Batch(imported: true));
        foreach (var items in new[] { batch, import })
        {
            foreach (var bad in items.MalformedBodies()) yield return bad;
            yield return items.With("no items", "items", new JsonArray(), "batch-size-invalid");
            yield return items.With("null items", "items", null, "batch-size-invalid");
            yield return items.With("501 items", "items", new JsonArray([.. Enumerable.Range(0, 501).Select(i => Use().Also(u => u["idempotencyKey"] = $"k{i}"))]),
                "batch-size-invalid");
            // A batch answers 200 and refuses item by item (DESIGN §5): these must refuse their one item with a 400.
            yield return items.WithItem("a null item", "items.0", null, BadRequest);
            yield return items.WithItem("an item without its idempotencyKey", "items.0.idempotencyKey", null, "idempotency-key-required");
            yield return items.WithItem("an item with a 201-character idempotencyKey", "items.0.idempotencyKey", new string('k', 201), "idempotency-key-invalid");
            yield return items.With("an item with a NUL character in its idempotencyKey", "items.0.idempotencyKey", "batch\0key", BadRequest);
            // What fails to bind fails the whole batch; what binds is refused item by item.
            foreach (var bad in BadUses((input, field, value, code) => code == BadRequest
                ? items.With($"an item with {input}", $"items.0.{field}", value, code)
                : items.WithItem($"an item with {input}", $"items.0.{field}", value, code))) yield return bad;
        }
        yield return import.WithItem("an item without occurredAt", "items.0.occurredAt", null, "occurred-at-required");

        foreach (var bad in new Endpoint("POST", "/api/redemptions/{id}/cancel", t.Site.Venue).BadGuids("/api/redemptions/{0}/cancel", "use-not-found")) yield return bad;
    }

    /// <summary>What is wrong in a use however it is sent: its card number and counts.</summary>
    private static IEnumerable<Case> BadUses(Func<string, string, JsonNode?, string, Case> use) =>
    [
        use("children -1", "children", -1, "count-invalid"),
        use("adults -1", "adults", -1, "count-invalid"),
        use("assistants -1", "assistants", -1, "count-invalid"),
        use("101 adults", "adults", 101, "count-invalid"),
        use("adults 2147483647", "adults", int.MaxValue, "count-invalid"),
        use("adults 2147483648", "adults", 2147483648L, BadRequest),
        use("nobody admitted", "adults", 0, "nobody-admitted"),
        use("a mistyped card number", "cardNumber", "1234 5678 9012", "card-number-mistyped"),
        use("an 11-digit card number", "cardNumber", "12345678901", CardNumberInvalid),
        use("letters for a card number", "cardNumber", "abcd-efgh-ijkl", CardNumberInvalid),
        use("full-width digits for a card number", "cardNumber", "１２３４５６７８９０１５", CardNumberInvalid),
        use("an overlong card number", "cardNumber", new string('1', 5_000), CardNumberInvalid),
        use("no card number", "cardNumber", null, CardNumberInvalid),
        use("a card number with a NUL character", "cardNumber", "1234\05678 9015", BadRequest),
        use("a card number as a number", "cardNumber", 123456789015L, BadRequest),
        use("a venue id that is not a GUID", "venueId", "not-a-guid", BadRequest),
    ];

    /// <summary>The objects the sweep works on, made through the API: a venue, its offering and client, a distributor unit, its client and a card.</summary>
    private sealed record Targets(RedemptionSite Site, string AreaCode, string Municipality, string Card, HttpClient Admin, HttpClient Anonymous)
    {
        public static async Task<Targets> CreateAsync(SystemFixture system)
        {
            var site = await RedemptionSite.CreateAsync(system);
            var venue = await (await system.Gateway.GetAsync($"/api/venues/{site.VenueId}")).ShouldBeJsonAsync(HttpStatusCode.OK);
            return new Targets(site, venue.GetProperty("areaCode").GetString()!, venue.GetProperty("municipality").GetString()!,
                await site.IssueCardAsync(children: 1), system.Admin, system.Gateway);
        }
    }

    /// <summary>
    /// A write endpoint as a caller allowed to use it sees it: its route (named in failures), the path sent, and a body it
    /// would accept, which each bad request spoils in one way.
    /// </summary>
    private sealed record Endpoint(string Method, string Route, HttpClient Caller, string? Path = null, JsonObject? Valid = null, bool IdempotencyKey = false)
    {
        private string Sent => Path ?? Route;

        public Case Send(
            string input, Func<HttpContent?> content, int status = 400, string? code = null, string? path = null, Action<HttpRequestMessage>? adjust = null) =>
            new($"{Method} {Route}", input, Caller, () =>
            {
                var request = new HttpRequestMessage(new HttpMethod(Method), path ?? Sent) { Content = content() };
                // A fresh key each time: a reused one would be answered from the first request's record.
                if (IdempotencyKey) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                adjust?.Invoke(request);
                return request;
            }, status, code, Answer.Problem);

        public Case OAuth(string input, Func<HttpContent?> content, int status, string error, Action<HttpRequestMessage>? adjust = null) =>
            Send(input, content, status, error, adjust: adjust) with { Answer = Answer.OAuthError };

        public Case Json(string input, string json, int status = 400, string? code = BadRequest) => Send(input, () => Raw(json, "application/json"), status, code);

        /// <summary>The valid body with <paramref name="field"/> (a dotted path, array indexes as numbers) set to <paramref name="value"/>.</summary>
        public Case With(string input, string field, JsonNode? value, string code) =>
            Json($"{input} ({field})", Set(Valid!, field, value).ToJsonString(), code: code);

        /// <summary>Like <see cref="With"/> for a batch: answered 200, its one item refused with a 400 <paramref name="code"/>.</summary>
        public Case WithItem(string input, string field, JsonNode? value, string code) =>
            With(input, field, value, code) with { Status = 200, Answer = Answer.ItemRefused };

        /// <summary>The valid body with the request's headers changed by <paramref name="adjust"/>, after its Idempotency-Key is taken away.</summary>
        public Case Adjusted(string input, Action<HttpRequestMessage> adjust, string code) =>
            Send(input, () => Raw(Valid!.ToJsonString(), "application/json"), code: code, adjust: request =>
            {
                request.Headers.Remove("Idempotency-Key");
                adjust(request);
            });

        /// <summary>The valid body, if any, sent to another path.</summary>
        public Case At(string input, string path, int status, string? code = null) =>
            Send($"{input} ({path.Truncate(80)})", () => Valid is null ? null : Raw(Valid.ToJsonString(), "application/json"), status, code, path);

        /// <summary>An id that is no GUID matches no route (404); a GUID never issued is not found by the service.</summary>
        public IEnumerable<Case> BadGuids(string format, string notFoundCode) =>
        [
            At("an id that is not a GUID", string.Format(format, "not-a-guid"), 404, NotFound),
            At("a 5 000-character id", string.Format(format, new string('x', 5_000)), 404, NotFound),
            At("a GUID with a trailing character", string.Format(format, Guid.NewGuid() + "0"), 404, NotFound),
            At("an id never issued", string.Format(format, Guid.NewGuid()), 404, notFoundCode),
        ];

        public IEnumerable<Case> BadCardNumbers(string format) =>
        [
            At("an 11-digit card number", string.Format(format, "12345678901"), 400, CardNumberInvalid),
            At("a mistyped card number", string.Format(format, "1234-5678-9012"), 400, "card-number-mistyped"),
            At("letters for a card number", string.Format(format, "abcd-efgh-ijkl"), 400, CardNumberInvalid),
            At("full-width digits for a card number", string.Format(format, Uri.EscapeDataString("１２３４５６７８９０１５")), 400, CardNumberInvalid),
            At("a blank card number", string.Format(format, "%20"), 400, CardNumberInvalid),
            At("a card number with encoded slashes", string.Format(format, "1234%2F5678%2F9015"), 400, CardNumberInvalid),
            At("an overlong card number", string.Format(format, new string('1', 5_000)), 400, CardNumberInvalid),
            At("a card number never issued", string.Format(format, "1234-5678-9015"), 404, "card-not-found"),
        ];

        /// <summary>What goes wrong with any JSON body: syntax, the wrong types for every field, unknown fields, the wrong content type, size.</summary>
        public IEnumerable<Case> MalformedBodies()
        {
            var json = Valid!.ToJsonString();
            yield return Json("truncated JSON", json[..(json.Length / 2)]);
            yield return Json("a lone {", "{");
            yield return Json("an array for the object", "[]");
            yield return Json("null for the object", "null");
            yield return Json("a number for the object", "42");
            yield return Json("plain text labelled JSON", "this is not JSON");
            yield return Json("a trailing comma", json[..^1] + ",}");
            yield return Json("single quotes", json.Replace('"', '\''));
            yield return Json("a comment", "/* comment */" + json);
            yield return Json("10 000 nested arrays", new string('[', 10_000) + new string(']', 10_000));
            var text = Fields(Valid).First(f => f.Value.GetValueKind() == JsonValueKind.String).Path;
            yield return Send($"invalid UTF-8 in {text}", () => new ByteArrayContent(InvalidUtf8In(text)) { Headers = { ContentType = new("application/json") } },
                code: BadRequest);
            yield return Json("an unknown field", Set(Valid, "unexpected", 1).ToJsonString());
            if (Fields(Valid).FirstOrDefault(f => f.Value is JsonObject).Path is { } inner)
                yield return Json($"an unknown field in {inner}", Set(Valid, inner + ".unexpected", 1).ToJsonString());
            yield return Send("an empty body labelled JSON", () => Raw("", "application/json"), code: BadRequest);
            yield return Send("no body", () => null, code: BadRequest);
            yield return Send("the JSON as text/plain", () => Raw(json, "text/plain"), 415, UnsupportedMediaType);
            yield return Send("a form", () => new FormUrlEncodedContent([KeyValuePair.Create("name", "x")]), 415, UnsupportedMediaType);
            foreach (var huge in HugeBodies()) yield return huge;
            foreach (var (field, value) in Fields(Valid))
                foreach (var wrong in WrongTypes(value)) yield return With($"{wrong.ToJsonString()} for {field}", field, wrong, BadRequest);
        }

        /// <summary>The valid body with the text of <paramref name="field"/> replaced by bytes that are not UTF-8.</summary>
        private byte[] InvalidUtf8In(string field)
        {
            const string Marker = "MARKER";
            var json = Set(Valid!, field, Marker).ToJsonString();
            var at = json.IndexOf(Marker, StringComparison.Ordinal);
            return [.. Encoding.UTF8.GetBytes(json[..at]), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(json[(at + Marker.Length)..])];
        }

        /// <summary>
        /// Refused by the gateway (1 MB). A client that announces the body with <c>Expect: 100-continue</c> always reads the
        /// 413; one that sends it at once may instead see the connection closed under it (RFC 9110 §15.5.14 allows that).
        /// </summary>
        public IEnumerable<Case> HugeBodies() =>
        [
            Send("5 MB of JSON after Expect: 100-continue", () => Huge(5), 413, TooLarge, adjust: ExpectContinue),
            Send("40 MB of JSON after Expect: 100-continue", () => Huge(40), 413, TooLarge, adjust: ExpectContinue),
            Send("5 MB of JSON at once", () => Huge(5), 413, TooLarge) with { ServerMayClose = true },
            Send("40 MB of JSON at once", () => Huge(40), 413, TooLarge) with { ServerMayClose = true },
            Send("5 MB of JSON in chunks", () => new ChunkedContent(HugeJson.Value.AsMemory(0, 5 * 1024 * 1024)), 413, TooLarge) with { ServerMayClose = true },
        ];

        private static ByteArrayContent Huge(int megabytes) =>
            new(HugeJson.Value, 0, megabytes * 1024 * 1024) { Headers = { ContentType = new("application/json") } };

        private static void ExpectContinue(HttpRequestMessage request) => request.Headers.ExpectContinue = true;
    }

    /// <summary>40 MB of one JSON string, <c>["xxx…</c>: valid as far as a reader gets before the size limit.</summary>
    private static readonly Lazy<byte[]> HugeJson = new(() =>
    {
        var bytes = new byte[40 * 1024 * 1024];
        Array.Fill(bytes, (byte)'x');
        "[\""u8.CopyTo(bytes);
        return bytes;
    });

    /// <summary>Every field of <paramref name="node"/> at any depth, as a dotted path; an array's first item stands for all.</summary>
    private static IEnumerable<(string Path, JsonNode Value)> Fields(JsonNode node, string prefix = "")
    {
        var children = node switch
        {
            JsonObject o => o.Select(p => (Name: p.Key, p.Value)),
            JsonArray a => a.Take(1).Select(v => (Name: "0", Value: v)),
            _ => [],
        };
        foreach (var (name, value) in children)
        {
            if (value is null) continue;
            yield return (prefix + name, value);
            foreach (var inner in Fields(value, prefix + name + ".")) yield return inner;
        }
    }

    /// <summary>Two values of other JSON types than the one <paramref name="value"/> has.</summary>
    private static JsonNode[] WrongTypes(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Object => [new JsonArray(), "x"],
        JsonValueKind.Array => [new JsonObject(), "x"],
        JsonValueKind.String => [42, new JsonObject()],
        JsonValueKind.True or JsonValueKind.False => ["true", 1],
        _ => ["1", 1.5],
    };

    /// <summary>A copy of <paramref name="body"/> with the field at <paramref name="path"/> set (null sets JSON null).</summary>
    private static JsonObject Set(JsonObject body, string path, JsonNode? value)
    {
        var copy = (JsonObject)body.DeepClone();
        var names = path.Split('.');
        var parent = names[..^1].Aggregate((JsonNode)copy, (node, name) => node is JsonArray array ? array[int.Parse(name)]! : node[name]!);
        if (parent is JsonArray list) list[int.Parse(names[^1])] = value?.DeepClone();
        else parent[names[^1]] = value?.DeepClone();
        return copy;
    }

    private static StringContent Raw(string text, string mediaType) => new(text, new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" });

    private enum Answer
    {
        /// <summary>A problem+json with a code.</summary>
        Problem,
        /// <summary>An RFC 6749 §5.2 error: JSON with an <c>error</c>.</summary>
        OAuthError,
        /// <summary>200 with one item whose status is 400 and whose code is given.</summary>
        ItemRefused,
        /// <summary>No body: the gateway's Kestrel refuses the request line before any middleware could write a problem.</summary>
        Bare,
    }

    /// <summary>One bad request: the endpoint it aims at, what is wrong with it, and the answer it must get (its code when given).</summary>
    private sealed record Case(string Endpoint, string Input, HttpClient Caller, Func<HttpRequestMessage> Request, int Status, string? Code, Answer Answer)
    {
        /// <summary>Whether the server may close the connection instead of answering: it does not read a body it refuses.</summary>
        public bool ServerMayClose { get; init; }

        public async Task<string?> FailureAsync()
        {
            var what = $"{Endpoint} with {Input.Truncate(120)}";
            HttpResponseMessage response;
            try
            {
                response = await SendAsync();
            }
            catch (HttpRequestException e)
            {
                return ServerMayClose && e.InnerException is IOException ? null : $"{what}: no answer ({e.Message} {e.InnerException?.Message})";
            }
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync();
                var answer = $"{(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {body.Truncate(300)}";
                if ((int)response.StatusCode != Status) return $"{what}: expected {Status} {Code}, got {answer}";
                return Answer switch
                {
                    Answer.Problem => ProblemFailure(response, body),
                    Answer.Bare => body.Length == 0 ? null : "not a bare refusal",
                    Answer.OAuthError => response.Content.Headers.ContentType?.MediaType == "application/json" && Parse(body)?["error"]?.GetValue<string>() == Code
                        ? null : "not the OAuth error " + Code,
                    _ => ItemFailure(body),
                } is { } failure ? $"{what}: {failure}: got {answer}" : null;
            }
        }

        private string? ProblemFailure(HttpResponseMessage response, string body)
        {
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return "not a problem+json";
            var code = Parse(body)?["code"]?.GetValue<string>();
            if (string.IsNullOrEmpty(code)) return "a problem without a code";
            return Code is null || code == Code ? null : $"expected the code {Code}";
        }

        private string? ItemFailure(string body)
        {
            var item = Parse(body)?["results"]?.AsArray().SingleOrDefault();
            return item?["status"]?.GetValue<int>() == 400 && item["code"]?.GetValue<string>() == Code ? null : $"expected its item refused with 400 {Code}";
        }

        /// <summary>Sends the request, waiting out the gateway's rate limit if the sweep runs into it: that is not what is tested.</summary>
        private async Task<HttpResponseMessage> SendAsync()
        {
            for (var attempt = 1; ; attempt++)
            {
                using var request = Request();
                var response = await Caller.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 5) return response;
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                response.Dispose();
                await Task.Delay(wait);
            }
        }

        private static JsonNode? Parse(string body)
        {
            try
            {
                return JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>A body of unknown length, so it goes out in chunks and only the gateway's running count can stop it.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly ReadOnlyMemory<byte> bytes;

        public ChunkedContent(ReadOnlyMemory<byte> bytes)
        {
            this.bytes = bytes;
            Headers.ContentType = new("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>The row count and a digest of the rows of every table in every service's database.</summary>
    private sealed record DatabaseSnapshot(IReadOnlyDictionary<string, (long Rows, string Digest)> Tables, long Unsent)
    {
        private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

        /// <summary>A snapshot once every outbox is sent and nothing has changed for a second: the events of the setup have all arrived.</summary>
        public static async Task<DatabaseSnapshot> SettledAsync(KaikuSystem system)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            var last = await TakeAsync(system);
            while (true)
            {
                await Task.Delay(Quiet);
                var next = await TakeAsync(system);
                if (next.Unsent == 0 && !last.ChangesIn(next).Any() && await InFlightAsync(system) == 0) return next;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"The system did not settle: {string.Join("; ", last.ChangesIn(next))}; {next.Unsent} outbox rows unsent");
                last = next;
            }
        }

        public IEnumerable<string> ChangesIn(DatabaseSnapshot after) =>
            Tables.Keys.Union(after.Tables.Keys).Order()
                .Select(table => (table, Before: Tables.GetValueOrDefault(table), After: after.Tables.GetValueOrDefault(table)))
                .Where(t => t.Before != t.After)
                .Select(t => t.Before.Rows == t.After.Rows
                    ? $"{t.table}: rows changed ({t.After.Rows} rows)"
                    : $"{t.table}: {t.Before.Rows} rows before the sweep, {t.After.Rows} after");

        /// <summary>Messages queued for consumers or being handled (retries included); dead letters in <c>_error</c> and <c>_skipped</c> queues stay.</summary>
        private static async Task<long> InFlightAsync(KaikuSystem system)
        {
            if (system.RabbitMq is not { } broker) return 0;
            var lines = await broker.ControlAsync(["list_queues", "--quiet", "--no-table-headers", "name", "messages"]);
            return lines.Select(line => line.Split('\t', StringSplitOptions.TrimEntries))
                .Where(fields => fields.Length == 2 && !fields[0].EndsWith("_error", StringComparison.Ordinal)
                    && !fields[0].EndsWith("_skipped", StringComparison.Ordinal))
                .Sum(fields => long.TryParse(fields[1], out var messages) ? messages : 0);
        }

        private static async Task<DatabaseSnapshot> TakeAsync(KaikuSystem system)
        {
            var tables = new Dictionary<string, (long, string)>();
            long unsent = 0;
            foreach (var database in KaikuSystem.ServiceNames.Select(service => service + "db"))
            {
                await using var connection = new NpgsqlConnection(system.GetConnectionString(database));
                await connection.OpenAsync();
                var names = new List<string>();
                await using (var list = new NpgsqlCommand(
                    "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables " +
                    "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')", connection))
                await using (var reader = await list.ExecuteReaderAsync())
                    while (await reader.ReadAsync()) names.Add(reader.GetString(0));
                foreach (var name in names)
                {
                    await using var digest = new NpgsqlCommand(
                        $"SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM {name} t", connection);
                    await using var reader = await digest.ExecuteReaderAsync();
                    await reader.ReadAsync();
                    tables[$"{database}.{name}"] = (reader.GetInt64(0), reader.GetString(1));
                }
                if (names.Contains("public.outbox"))
                    unsent += (long)(await new NpgsqlCommand("SELECT count(*) FROM outbox WHERE sent_at IS NULL", connection).ExecuteScalarAsync())!;
            }
            return new DatabaseSnapshot(tables, unsent);
        }
    }
}

internal static class MalformedInputExtensions
{
    public static string Truncate(this string text, int length) => text.Length <= length ? text : text[..length] + "…";

    public static T Also<T>(this T value, Action<T> change)
    {
        change(value);
        return value;
    }
}
