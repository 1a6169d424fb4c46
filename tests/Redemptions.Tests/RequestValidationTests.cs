using System.Net;
using Dapper;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.TestSupport;
using static Kaikukortti.Redemptions.Tests.RedemptionsService;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// Requests that are not a use at all (400), and clients that may not record at the venue (401/403). They change nothing:
/// no use, no event, no ticket — and they do not use up their Idempotency-Key, so the corrected request goes through.
/// </summary>
public sealed class RequestValidationTests : IClassFixture<SharedRedemptionsService>
{
    private readonly RedemptionsService service;
    private readonly string area = SharedRedemptionsService.NewArea();
    private readonly VenueRegistered venue;
    private readonly CardIssued card;

    public RequestValidationTests(SharedRedemptionsService shared)
    {
        service = shared.Service;
        shared.Clock.Now = SharedRedemptionsService.Noon;
        venue = Venue(area);
        card = Card(area, Date("2026-02-01"));
    }

    private HttpClient Desk() => service.AsVenue(venue.VenueId, SharedRedemptionsService.TokenLifetime);

    private static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, string json, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/redemptions") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private async Task ShouldHaveChangedNothingAsync()
    {
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((0, 0, 0));
    }

    /// <summary>The same card number with its check digit off by one: a typing error.</summary>
    private static string Mistyped(string number) => number[..^1] + (char)('0' + (number[^1] - '0' + 1) % 10);

    public static TheoryData<string, string> InvalidUses => new()
    {
        // Card numbers
        { """{"cardNumber":"12345","venueId":"{venue}"}""", "card-number-invalid" },
        { """{"cardNumber":"1234 5678 901X","venueId":"{venue}"}""", "card-number-invalid" },
        { """{"cardNumber":"{card}0","venueId":"{venue}"}""", "card-number-invalid" },
        { """{"venueId":"{venue}"}""", "card-number-invalid" },
        { """{"cardNumber":"{mistyped}","venueId":"{venue}"}""", "card-number-mistyped" },
        // Counts that cannot describe a visit
        { """{"cardNumber":"{card}","adults":-1}""", "count-invalid" },
        { """{"cardNumber":"{card}","adults":101}""", "count-invalid" },
        { """{"cardNumber":"{card}","children":-1}""", "count-invalid" },
        { """{"cardNumber":"{card}","children":101}""", "count-invalid" },
        { """{"cardNumber":"{card}","assistants":-1}""", "count-invalid" },
        { """{"cardNumber":"{card}","assistants":101}""", "count-invalid" },
        { """{"cardNumber":"{card}","adults":0,"children":0}""", "nobody-admitted" },
        { """{"cardNumber":"{card}","adults":0,"children":0,"assistants":2}""", "nobody-admitted" },
        // Not a use at all
        { """{"cardNumber":"{card}" """, "bad-request" },
        { """{"cardNumber":"{card}","adults":"1"}""", "bad-request" },
        { """{"cardNumber":"{card}","adults":1.5}""", "bad-request" },
        { """{"cardNumber":{card}}""", "bad-request" },
        { """{"cardNumber":"{card}","venueId":"not-a-guid"}""", "bad-request" },
        { """{"cardNumber":"{card}","occurredAt":"yesterday"}""", "bad-request" },
        { """{"cardNumber":"{card}","name":"Matti Meikäläinen"}""", "bad-request" },
        { """["{card}"]""", "bad-request" },
        { "", "bad-request" },
    };

    [Theory]
    [MemberData(nameof(InvalidUses))]
    public async Task An_invalid_use_is_a_400_that_changes_nothing_and_leaves_its_key_free(string json, string code)
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var key = Guid.NewGuid().ToString();

        var body = json.Replace("{card}", card.CardNumber).Replace("{mistyped}", Mistyped(card.CardNumber)).Replace("{venue}", venue.VenueId.ToString());
        await (await PostRawAsync(desk, body, key)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);

        await ShouldHaveChangedNothingAsync();
        await RecordedAsync(desk, new UseBody(card.CardNumber), key);
    }

    [Fact]
    public async Task A_use_needs_an_idempotency_key_of_at_most_200_characters()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var json = $$"""{"cardNumber":"{{card.CardNumber}}"}""";

        await (await PostRawAsync(desk, json, null)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "idempotency-key-required");
        await (await PostRawAsync(desk, json, "   ")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "idempotency-key-required");
        var problem = await (await PostRawAsync(desk, json, new string('k', 201))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "idempotency-key-invalid");
        problem.GetProperty("detail").GetString()!.ShouldContain("200");
        await ShouldHaveChangedNothingAsync();

        (await PostRawAsync(desk, json, new string('k', 200))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_card_number_may_be_typed_with_spaces_or_hyphens()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var number = card.CardNumber;

        foreach (var typed in new[] { CardNumber.Display(number), $"{number[..4]}-{number[4..8]}-{number[8..]}" })
        {
            var use = await (await RecordAsync(desk, new UseBody(typed))).ShouldBeJsonAsync(HttpStatusCode.Created);
            use.GetProperty("cardNumber").GetString().ShouldBe(number);
        }
    }

    [Fact]
    public async Task A_partner_with_several_venues_names_the_venue_of_each_use()
    {
        var second = Venue(area);
        await service.ApplyAsync(card, venue);
        await service.ApplyAsync(null, second);
        using var partner = service.AsPartner([venue.VenueId, second.VenueId], SharedRedemptionsService.TokenLifetime);

        await (await RecordAsync(partner, new UseBody(card.CardNumber))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "redemption-venue-required");
        await ShouldHaveChangedNothingAsync();

        var atFirst = await (await RecordAsync(partner, new UseBody(card.CardNumber, venue.VenueId))).ShouldBeJsonAsync(HttpStatusCode.Created);
        var atSecond = await (await RecordAsync(partner, new UseBody(card.CardNumber, second.VenueId))).ShouldBeJsonAsync(HttpStatusCode.Created);
        (atFirst.GetProperty("venueId").GetGuid(), atSecond.GetProperty("venueId").GetGuid()).ShouldBe((venue.VenueId, second.VenueId));
    }

    [Fact]
    public async Task A_venues_own_client_may_leave_out_its_venue()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();

        var use = await (await RecordAsync(desk, new UseBody(card.CardNumber))).ShouldBeJsonAsync(HttpStatusCode.Created);

        use.GetProperty("venueId").GetGuid().ShouldBe(venue.VenueId);
    }

    [Fact]
    public async Task No_one_records_uses_at_a_venue_they_do_not_act_for()
    {
        await service.ApplyAsync(card, venue);
        var key = Guid.NewGuid().ToString();

        foreach (var outsider in Outsiders(area))
        {
            using var client = service.As(outsider, SharedRedemptionsService.TokenLifetime);
            await (await RecordAsync(client, new UseBody(card.CardNumber, venue.VenueId), key)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
        using var anonymous = service.Factory.CreateClient();
        await (await RecordAsync(anonymous, new UseBody(card.CardNumber, venue.VenueId), key)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        await ShouldHaveChangedNothingAsync();
        await using var connection = await service.OpenAsync();
        (await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM idempotency_keys WHERE key = @key", new { key })).ShouldBe(0);
    }
}
