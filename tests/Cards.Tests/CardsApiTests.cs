using System.Net;
using System.Text.Json;
using Dapper;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Kaikukortti.Cards.Tests;

/// <summary>
/// The card API on a clock the tests set: today is 10 March 2026 in Helsinki unless a test moves it.
/// </summary>
public sealed class CardsApiTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private const int ThisYear = 2026;

    // Tokens are minted on the real clock; they must outlive the service's clock when a test moves it a year or two on.
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromDays(3 * 366);

    private readonly TestClock clock = new(At("2026-03-10T10:00:00Z"));
    private CardsService cards = null!;
    private HttpClient admin = null!;
    private HttpClient distributor = null!;

    public async ValueTask InitializeAsync()
    {
        cards = await CardsService.StartAsync(postgres, rabbitMq, services => services.AddSingleton<TimeProvider>(clock));
        admin = Client(Tokens.NationalAdmin);
        distributor = Client(DistributorClient(cards.Distributor, cards.Area));
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        distributor.Dispose();
        await cards.DisposeAsync();
    }

    // ---- Issuing ----

    [Fact]
    public async Task A_distributor_issues_a_personal_card_for_itself_without_naming_itself()
    {
        var response = await distributor.PostJsonAsync("/api/cards", new { kind = "personal", birthYear = 1980, postalCode = "60100", children = 2 });
        var location = response.Headers.Location;
        var card = await response.ShouldBeJsonAsync(HttpStatusCode.Created);

        var number = card.GetProperty("cardNumber").GetString()!;
        location!.OriginalString.ShouldBe($"/api/cards/{number}");
        card.GetProperty("id").GetGuid().ShouldNotBe(Guid.Empty);
        (card.GetProperty("kind").GetString(), card.GetProperty("status").GetString(), card.GetProperty("children").GetInt32()).ShouldBe(("personal", "active", 2));
        card.GetProperty("groupSize").ValueKind.ShouldBe(JsonValueKind.Null);
        (card.GetProperty("areaCode").GetString(), card.GetProperty("distributorId").GetGuid()).ShouldBe((cards.Area, cards.Distributor));
        (card.GetProperty("issuedOn").GetString(), card.GetProperty("validUntil").GetString()).ShouldBe(("2026-03-10", "2027-03-10"));
        (await CardCountAsync()).ShouldBe(1);
        (await EventsOfAsync("CardIssued")).Single().GetProperty("cardNumber").GetString().ShouldBe(number);
    }

    [Fact]
    public async Task A_distributor_issues_a_community_card_for_a_group()
    {
        var card = await cards.IssueAsync(new { kind = "community", groupSize = 12 }, distributor);

        (card.GetProperty("kind").GetString(), card.GetProperty("groupSize").GetInt32(), card.GetProperty("children").GetInt32()).ShouldBe(("community", 12, 0));
        card.GetProperty("distributorId").GetGuid().ShouldBe(cards.Distributor);
        var full = await (await distributor.GetAsync($"/api/cards/{card.GetProperty("cardNumber").GetString()}")).ShouldBeJsonAsync(HttpStatusCode.OK);
        (full.GetProperty("birthYear").ValueKind, full.GetProperty("postalCode").ValueKind).ShouldBe((JsonValueKind.Null, JsonValueKind.Null));
    }

    [Fact]
    public async Task The_areas_coordinator_and_the_national_admin_issue_cards_for_a_distributor_they_name()
    {
        using var coordinator = Client(Tokens.Coordinator(cards.Area));

        var byCoordinator = await cards.IssueAsync(CardsService.Personal(cards.Distributor), coordinator);
        var byAdmin = await cards.IssueAsync(CardsService.Community(cards.OtherDistributor), admin);

        (byCoordinator.GetProperty("distributorId").GetGuid(), byCoordinator.GetProperty("areaCode").GetString()).ShouldBe((cards.Distributor, cards.Area));
        (byAdmin.GetProperty("distributorId").GetGuid(), byAdmin.GetProperty("areaCode").GetString()).ShouldBe((cards.OtherDistributor, cards.OtherArea));
        (await EventsOfAsync("CardIssued")).Count.ShouldBe(2);
    }

    [Fact]
    public async Task No_one_else_issues_a_distributors_cards()
    {
        SiteClient[] refused =
        [
            DistributorClient(cards.OtherDistributor, cards.OtherArea), Tokens.Coordinator(cards.OtherArea), VenueClient(cards.Area), PartnerClient(cards.Area),
            StatisticsClient(),
        ];

        foreach (var client in refused)
        {
            using var http = Client(client);
            await (await http.PostJsonAsync("/api/cards", CardsService.Personal(cards.Distributor))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await http.PostJsonAsync("/api/cards", CardsService.Community(cards.Distributor))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
        await (await cards.Factory.CreateClient().PostJsonAsync("/api/cards", CardsService.Personal(cards.Distributor)))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        (await CardCountAsync()).ShouldBe(0);
        (await EventsOfAsync("CardIssued")).ShouldBeEmpty();
    }

    public static TheoryData<string, string> InvalidCards => new()
    {
        // Who the card is for
        { """{"kind":"personal","birthYear":1980,"postalCode":"60100","children":2}""", "card-field-required" },
        { """{"distributorId":"0197a1b2-0000-7000-8000-000000000001","kind":"personal","birthYear":1980,"postalCode":"60100","children":2}""", "distributor-unknown" },
        { """{"distributorId":"{distributor}","kind":"family","birthYear":1980,"postalCode":"60100","children":2}""", "card-kind-invalid" },
        { """{"distributorId":"{distributor}","birthYear":1980,"postalCode":"60100","children":2}""", "card-kind-invalid" },
        // A personal card's required answers and their ranges
        { """{"distributorId":"{distributor}","kind":"personal","postalCode":"60100","children":2}""", "card-field-required" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"children":2}""", "card-field-required" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"60100"}""", "card-field-required" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"60100","children":2,"groupSize":5}""", "card-field-not-allowed" },
        { $$"""{"distributorId":"{distributor}","kind":"personal","birthYear":{{ThisYear - 15}},"postalCode":"60100","children":0}""", "holder-too-young" },
        { $$"""{"distributorId":"{distributor}","kind":"personal","birthYear":{{ThisYear - 121}},"postalCode":"60100","children":0}""", "birth-year-invalid" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"1234","children":2}""", "postal-code-invalid" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"123456","children":2}""", "postal-code-invalid" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"12a45","children":2}""", "postal-code-invalid" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"60100","children":-1}""", "children-invalid" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"60100","children":21}""", "children-invalid" },
        // The voluntary answers
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"60100","children":2,"gender":"unknown"}""", "card-option-invalid" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"60100","children":2,"ageGroup":"40-49"}""", "card-option-invalid" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"60100","children":2,"lifeSituation":"astronaut"}""", "card-option-invalid" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"60100","children":2,"ageGroup":"16-17"}""", "age-group-mismatch" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":2000,"postalCode":"60100","children":2,"ageGroup":"30-64"}""", "age-group-mismatch" },
        // A community card: a group size and nothing personal
        { """{"distributorId":"{distributor}","kind":"community"}""", "card-field-required" },
        { """{"distributorId":"{distributor}","kind":"community","groupSize":0}""", "group-size-invalid" },
        { """{"distributorId":"{distributor}","kind":"community","groupSize":31}""", "group-size-invalid" },
        { """{"distributorId":"{distributor}","kind":"community","groupSize":12,"birthYear":1980}""", "card-field-not-allowed" },
        { """{"distributorId":"{distributor}","kind":"community","groupSize":12,"postalCode":"60100"}""", "card-field-not-allowed" },
        { """{"distributorId":"{distributor}","kind":"community","groupSize":12,"children":1}""", "card-field-not-allowed" },
        { """{"distributorId":"{distributor}","kind":"community","groupSize":12,"gender":"female"}""", "card-field-not-allowed" },
        // Requests that are not a card at all
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"60100","children":2""", "bad-request" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":"1980","postalCode":"60100","children":2}""", "bad-request" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":60100,"children":2}""", "bad-request" },
        { """{"distributorId":"not-a-guid","kind":"personal","birthYear":1980,"postalCode":"60100","children":2}""", "bad-request" },
        { """{"distributorId":"{distributor}","kind":"personal","birthYear":1980,"postalCode":"60100","children":2,"name":"Matti Meikäläinen"}""", "bad-request" },
    };

    [Theory]
    [MemberData(nameof(InvalidCards))]
    public async Task An_invalid_card_is_a_400_and_changes_nothing(string json, string code)
    {
        await (await admin.PostRawJsonAsync("/api/cards", json.Replace("{distributor}", cards.Distributor.ToString()))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);

        (await CardCountAsync()).ShouldBe(0);
        (await cards.EventsAsync()).Select(e => e.Type).ShouldBe(["DistributorRegistered", "DistributorRegistered"]);
    }

    public static TheoryData<string> CardsAtTheLimits => new()
    {
        $$"""{"kind":"personal","birthYear":{{ThisYear - 16}},"postalCode":"60100","children":0}""",
        $$"""{"kind":"personal","birthYear":{{ThisYear - 120}},"postalCode":"60100","children":0}""",
        """{"kind":"personal","birthYear":1980,"postalCode":"00100","children":20}""",
        """{"kind":"personal","birthYear":1980,"postalCode":"60100","children":1,"gender":"other","ageGroup":"30-64","lifeSituation":"unemployed"}""",
        // Without a birthday the holder may not have had this year's yet: born 2008, they are 17 or 18.
        """{"kind":"personal","birthYear":2008,"postalCode":"60100","children":0,"ageGroup":"16-17"}""",
        """{"kind":"personal","birthYear":2008,"postalCode":"60100","children":0,"ageGroup":"18-29"}""",
        """{"kind":"community","groupSize":1}""",
        """{"kind":"community","groupSize":30}""",
        """{"kind":"community","groupSize":30,"children":0}""",
    };

    [Theory]
    [MemberData(nameof(CardsAtTheLimits))]
    public async Task A_card_at_the_limits_of_the_rules_is_issued(string json) =>
        await (await distributor.PostRawJsonAsync("/api/cards", json)).ShouldBeJsonAsync(HttpStatusCode.Created);

    [Fact]
    public async Task A_card_issued_after_midnight_in_Helsinki_is_dated_the_Finnish_day()
    {
        clock.Now = At("2026-03-10T22:30:00Z");

        var card = await cards.IssueAsync(CardsService.Personal(cards.Distributor), distributor);

        (card.GetProperty("issuedOn").GetString(), card.GetProperty("validUntil").GetString()).ShouldBe(("2026-03-11", "2027-03-11"));
    }

    // ---- Card numbers ----

    [Fact]
    public async Task A_card_number_is_twelve_digits_with_a_check_digit_and_is_found_written_with_spaces_or_hyphens()
    {
        var number = await IssueNumberAsync();

        number.Length.ShouldBe(12);
        number.ShouldAllBe(c => char.IsAsciiDigit(c));
        CardNumber.TryRead(number, out _).ShouldBe(CardNumber.Reading.Valid);
        foreach (var written in new[] { number, CardNumber.Display(number), $"{number[..4]}-{number[4..8]}-{number[8..]}" })
        {
            var card = await (await distributor.GetAsync($"/api/cards/{written}")).ShouldBeJsonAsync(HttpStatusCode.OK);
            card.GetProperty("cardNumber").GetString().ShouldBe(number);
            (await (await distributor.GetAsync($"/api/cards/{written}/status")).ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("cardNumber").GetString().ShouldBe(number);
        }
    }

    [Fact]
    public async Task A_malformed_card_number_is_a_400_and_a_mistyped_one_says_it_was_mistyped()
    {
        var number = await IssueNumberAsync();
        var mistyped = number[..^1] + (char)('0' + (number[^1] - '0' + 1) % 10);

        foreach (var path in new[] { "", "/status", "/qr.svg" })
        {
            await (await distributor.GetAsync($"/api/cards/{number[..11]}{path}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "card-number-invalid");
            await (await distributor.GetAsync($"/api/cards/{number[..6]}ab{number[8..]}{path}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "card-number-invalid");
            await (await distributor.GetAsync($"/api/cards/{mistyped}{path}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "card-number-mistyped");
        }
        await (await distributor.PostAsync($"/api/cards/{mistyped}/renew", null)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "card-number-mistyped");
        await (await distributor.PostJsonAsync($"/api/cards/{number[..11]}/close", new { reason = "lost" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "card-number-invalid");
    }

    [Fact]
    public async Task A_well_formed_number_that_was_never_issued_is_not_found()
    {
        var issued = await IssueNumberAsync();
        var never = NeverIssued(issued);

        await (await distributor.GetAsync($"/api/cards/{never}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "card-not-found");
        await (await distributor.GetAsync($"/api/cards/{CardNumber.Display(never)}/status")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "card-not-found");
        await (await distributor.PostAsync($"/api/cards/{never}/renew", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "card-not-found");
        await (await distributor.PostJsonAsync($"/api/cards/{never}/close", new { reason = "lost" })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "card-not-found");
        await (await distributor.PostJsonAsync($"/api/cards/{never}/replace", new { reason = "lost" })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "card-not-found");
        (await CardCountAsync()).ShouldBe(1);
    }

    // ---- Validity, renewal and closing ----

    [Fact]
    public async Task A_card_is_valid_through_the_same_date_a_year_later_and_expired_the_day_after()
    {
        var number = await IssueNumberAsync();
        using var venue = Client(VenueClient(cards.Area));

        clock.Now = At("2027-03-10T21:59:00Z"); // 23:59 in Helsinki
        var lastDay = await StatusAsync(venue, number);
        (lastDay.GetProperty("valid").GetBoolean(), lastDay.GetProperty("validUntil").GetString()).ShouldBe((true, "2027-03-10"));
        (await FullRecordAsync(number)).GetProperty("status").GetString().ShouldBe("active");

        clock.Now = At("2027-03-11T08:00:00Z");
        var dayAfter = await StatusAsync(venue, number);
        (dayAfter.GetProperty("valid").GetBoolean(), dayAfter.GetProperty("reason").GetString()).ShouldBe((false, "expired"));
        (await FullRecordAsync(number)).GetProperty("status").GetString().ShouldBe("expired");
        (await ListAsync(distributor, "")).GetProperty("items")[0].GetProperty("status").GetString().ShouldBe("expired");
    }

    [Fact]
    public async Task An_expired_card_is_renewed_for_a_year_from_the_renewal_date()
    {
        var number = await IssueNumberAsync();
        clock.Now = At("2027-04-01T09:00:00Z");

        var renewed = await (await distributor.PostAsync($"/api/cards/{number}/renew", null)).ShouldBeJsonAsync(HttpStatusCode.OK);

        (renewed.GetProperty("validUntil").GetString(), renewed.GetProperty("status").GetString(), renewed.GetProperty("issuedOn").GetString())
            .ShouldBe(("2028-04-01", "active", "2026-03-10"));
        using var venue = Client(VenueClient(cards.Area));
        (await StatusAsync(venue, number)).GetProperty("valid").GetBoolean().ShouldBeTrue();
        var @event = (await EventsOfAsync("CardRenewed")).Single();
        (@event.GetProperty("cardNumber").GetString(), @event.GetProperty("validUntil").GetString(), @event.GetProperty("renewedOn").GetString())
            .ShouldBe((number, "2028-04-01", "2027-04-01"));
    }

    [Fact]
    public async Task The_areas_coordinator_renews_and_closes_a_distributors_card()
    {
        var number = await IssueNumberAsync();
        using var coordinator = Client(Tokens.Coordinator(cards.Area));
        clock.Now = At("2026-09-01T09:00:00Z");

        (await (await coordinator.PostAsync($"/api/cards/{number}/renew", null)).ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("validUntil").GetString().ShouldBe("2027-09-01");
        (await (await coordinator.PostJsonAsync($"/api/cards/{number}/close", new { reason = "not-eligible" })).ShouldBeJsonAsync(HttpStatusCode.OK))
            .GetProperty("closeReason").GetString().ShouldBe("not-eligible");
    }

    [Fact]
    public async Task No_other_unit_or_area_renews_closes_or_replaces_a_card()
    {
        var number = await IssueNumberAsync();
        SiteClient[] refused = [DistributorClient(cards.OtherDistributor, cards.OtherArea), Tokens.Coordinator(cards.OtherArea), VenueClient(cards.Area), PartnerClient(cards.Area)];

        foreach (var client in refused)
        {
            using var http = Client(client);
            await (await http.PostAsync($"/api/cards/{number}/renew", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await http.PostJsonAsync($"/api/cards/{number}/close", new { reason = "lost" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await http.PostJsonAsync($"/api/cards/{number}/replace", new { reason = "lost" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        (await FullRecordAsync(number)).GetProperty("status").GetString().ShouldBe("active");
        (await cards.EventsAsync()).Select(e => e.Type).ShouldBe(["DistributorRegistered", "DistributorRegistered", "CardIssued"]);
    }

    [Fact]
    public async Task A_closed_card_is_never_renewed_closed_again_or_replaced()
    {
        var number = await IssueNumberAsync();

        var closed = await (await distributor.PostJsonAsync($"/api/cards/{number}/close", new { reason = "holder-request" })).ShouldBeJsonAsync(HttpStatusCode.OK);
        (closed.GetProperty("status").GetString(), closed.GetProperty("closeReason").GetString()).ShouldBe(("closed", "holder-request"));
        closed.GetProperty("closedAt").GetDateTimeOffset().ShouldBe(clock.Now);

        await (await distributor.PostAsync($"/api/cards/{number}/renew", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "card-closed");
        await (await distributor.PostJsonAsync($"/api/cards/{number}/close", new { reason = "lost" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "card-closed");
        await (await distributor.PostJsonAsync($"/api/cards/{number}/replace", new { reason = "lost" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "card-closed");

        using var venue = Client(VenueClient(cards.Area));
        var status = await StatusAsync(venue, number);
        (status.GetProperty("valid").GetBoolean(), status.GetProperty("reason").GetString()).ShouldBe((false, "closed"));
        (await EventsOfAsync("CardClosed")).Single().GetProperty("reason").GetString().ShouldBe("holder-request");
        (await EventsOfAsync("CardIssued")).Count.ShouldBe(1);
        (await CardCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_card_is_closed_or_replaced_only_for_a_known_reason()
    {
        var number = await IssueNumberAsync();

        await (await distributor.PostJsonAsync($"/api/cards/{number}/close", new { reason = "fraud" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "close-reason-invalid");
        await (await distributor.PostRawJsonAsync($"/api/cards/{number}/close", "{}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "close-reason-invalid");
        await (await distributor.PostJsonAsync($"/api/cards/{number}/replace", new { reason = "holder-request" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "replace-reason-invalid");
        await (await distributor.PostJsonAsync($"/api/cards/{number}/replace", new { reason = "fraud" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "replace-reason-invalid");
        await (await distributor.PostRawJsonAsync($"/api/cards/{number}/close", """{"reason":"lost","note":"x"}""")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad-request");

        (await FullRecordAsync(number)).GetProperty("status").GetString().ShouldBe("active");
        (await CardCountAsync()).ShouldBe(1);
        (await cards.EventsAsync()).Select(e => e.Type).ShouldBe(["DistributorRegistered", "DistributorRegistered", "CardIssued"]);
    }

    // ---- Replacement ----

    [Fact]
    public async Task A_replacement_has_a_new_number_the_same_answers_and_validity_and_the_two_point_at_each_other()
    {
        var original = await cards.IssueAsync(new
        {
            kind = "personal", birthYear = 1975, postalCode = "90100", children = 3, gender = "female", ageGroup = "30-64", lifeSituation = "student",
        }, distributor);
        var number = original.GetProperty("cardNumber").GetString()!;
        clock.Now = At("2026-06-15T12:00:00Z");

        var response = await distributor.PostJsonAsync($"/api/cards/{number}/replace", new { reason = "stolen" });
        var location = response.Headers.Location;
        var replacement = await response.ShouldBeJsonAsync(HttpStatusCode.Created);

        var newNumber = replacement.GetProperty("cardNumber").GetString()!;
        newNumber.ShouldNotBe(number);
        CardNumber.TryRead(newNumber, out _).ShouldBe(CardNumber.Reading.Valid);
        location!.OriginalString.ShouldBe($"/api/cards/{newNumber}");
        foreach (var field in new[] { "kind", "children", "birthYear", "postalCode", "gender", "ageGroup", "lifeSituation", "distributorId", "areaCode", "validUntil" })
            replacement.GetProperty(field).GetRawText().ShouldBe(original.GetProperty(field).GetRawText(), field);
        (replacement.GetProperty("status").GetString(), replacement.GetProperty("replacesCardNumber").GetString()).ShouldBe(("active", number));
        replacement.GetProperty("issuedOn").GetString().ShouldBe("2026-06-15");

        var old = await FullRecordAsync(number);
        (old.GetProperty("status").GetString(), old.GetProperty("closeReason").GetString(), old.GetProperty("replacedByCardNumber").GetString())
            .ShouldBe(("closed", "stolen", newNumber));

        var events = (await cards.EventsAsync()).Skip(3).ToList();
        events.Select(e => e.Type).ShouldBe(["CardClosed", "CardIssued"]);
        var (closed, issued) = (events[0].Body, events[1].Body);
        (closed.GetProperty("cardNumber").GetString(), closed.GetProperty("reason").GetString()).ShouldBe((number, "stolen"));
        (closed.GetProperty("replacedByCardId").GetGuid(), closed.GetProperty("replacedByCardNumber").GetString())
            .ShouldBe((replacement.GetProperty("id").GetGuid(), newNumber));
        (issued.GetProperty("cardNumber").GetString(), issued.GetProperty("replacesCardId").GetGuid()).ShouldBe((newNumber, original.GetProperty("id").GetGuid()));
        (issued.GetProperty("validUntil").GetString(), issued.GetProperty("children").GetInt32()).ShouldBe(("2027-03-10", 3));
    }

    // ---- The status check ----

    [Fact]
    public async Task The_status_check_says_what_a_ticket_desk_needs_and_nothing_about_the_holder()
    {
        var personal = await IssueNumberAsync();
        var community = (await cards.IssueAsync(CardsService.Community(cards.Distributor, 8), distributor)).GetProperty("cardNumber").GetString()!;
        using var venue = Client(VenueClient(cards.OtherArea));
        string[] answer = ["cardNumber", "valid", "kind", "validUntil", "children", "groupSize", "homeArea"];

        var status = await StatusAsync(venue, personal);
        NamesOf(status).Except(["reason"]).ShouldBe(answer, ignoreOrder: true);
        (status.GetProperty("cardNumber").GetString(), status.GetProperty("valid").GetBoolean(), status.GetProperty("kind").GetString()).ShouldBe((personal, true, "personal"));
        (status.GetProperty("validUntil").GetString(), status.GetProperty("children").GetInt32(), status.GetProperty("homeArea").GetString()).ShouldBe(("2027-03-10", 2, cards.Area));
        status.GetProperty("groupSize").ValueKind.ShouldBe(JsonValueKind.Null);

        var group = await StatusAsync(venue, community);
        NamesOf(group).Except(["reason"]).ShouldBe(answer, ignoreOrder: true);
        (group.GetProperty("kind").GetString(), group.GetProperty("groupSize").GetInt32(), group.GetProperty("children").GetInt32()).ShouldBe(("community", 8, 0));

        (await distributor.PostJsonAsync($"/api/cards/{personal}/close", new { reason = "lost" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        NamesOf(await StatusAsync(venue, personal)).ShouldBe([.. answer, "reason"], ignoreOrder: true);
        clock.Now = At("2027-06-01T10:00:00Z");
        var expired = await StatusAsync(venue, community);
        NamesOf(expired).ShouldBe([.. answer, "reason"], ignoreOrder: true);
        expired.GetProperty("reason").GetString().ShouldBe("expired");
    }

    [Fact]
    public async Task The_status_of_a_valid_card_gives_no_reason()
    {
        var number = await IssueNumberAsync();
        using var venue = Client(VenueClient(cards.Area));

        NamesOf(await StatusAsync(venue, number)).ShouldBe(["cardNumber", "valid", "kind", "validUntil", "children", "groupSize", "homeArea"], ignoreOrder: true);
    }

    [Fact]
    public async Task Any_venue_partner_or_other_unit_checks_a_card_but_a_statistics_client_does_not()
    {
        var number = await IssueNumberAsync();
        SiteClient[] allowed =
        [
            VenueClient(cards.Area), VenueClient(cards.OtherArea), PartnerClient(cards.OtherArea), DistributorClient(cards.OtherDistributor, cards.OtherArea),
            Tokens.Coordinator(cards.OtherArea), Tokens.NationalAdmin,
        ];

        foreach (var client in allowed)
        {
            using var http = Client(client);
            (await StatusAsync(http, number)).GetProperty("valid").GetBoolean().ShouldBeTrue(client.Role);
        }
        using var statistics = Client(StatisticsClient());
        await (await statistics.GetAsync($"/api/cards/{number}/status")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await cards.Factory.CreateClient().GetAsync($"/api/cards/{number}/status")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    // ---- The full record and the list ----

    [Fact]
    public async Task The_full_record_is_for_the_issuer_its_coordinator_and_the_national_admin()
    {
        var number = (await cards.IssueAsync(new { kind = "personal", birthYear = 1990, postalCode = "33100", children = 1, lifeSituation = "employed" }, distributor))
            .GetProperty("cardNumber").GetString()!;

        foreach (var client in new[] { DistributorClient(cards.Distributor, cards.Area), Tokens.Coordinator(cards.Area), Tokens.NationalAdmin })
        {
            using var http = Client(client);
            var card = await (await http.GetAsync($"/api/cards/{number}")).ShouldBeJsonAsync(HttpStatusCode.OK);
            (card.GetProperty("birthYear").GetInt32(), card.GetProperty("postalCode").GetString(), card.GetProperty("lifeSituation").GetString())
                .ShouldBe((1990, "33100", "employed"), client.Role);
        }
        SiteClient[] refused =
        [
            DistributorClient(cards.OtherDistributor, cards.OtherArea), DistributorClient(Guid.NewGuid(), cards.Area), Tokens.Coordinator(cards.OtherArea),
            VenueClient(cards.Area), PartnerClient(cards.Area), StatisticsClient(),
        ];
        foreach (var client in refused)
        {
            using var http = Client(client);
            await (await http.GetAsync($"/api/cards/{number}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task A_distributor_lists_its_own_cards_newest_first_without_the_holders_answers()
    {
        List<string> issued = [];
        for (var i = 0; i < 3; i++)
        {
            clock.Now = At("2026-03-10T10:00:00Z").AddMinutes(i);
            issued.Add(await IssueNumberAsync());
        }
        await cards.IssueAsync(CardsService.Personal(cards.OtherDistributor), admin);

        var list = await ListAsync(distributor, "");
        list.GetProperty("total").GetInt32().ShouldBe(3);
        NumbersOf(list).ShouldBe([issued[2], issued[1], issued[0]]);
        foreach (var item in list.GetProperty("items").EnumerateArray())
        {
            NamesOf(item).ShouldNotContain("birthYear");
            NamesOf(item).ShouldNotContain("postalCode");
            (item.GetProperty("status").GetString(), item.GetProperty("validUntil").GetString()).ShouldBe(("active", "2027-03-10"));
        }

        var firstPage = await ListAsync(distributor, "?pageSize=2");
        var secondPage = await ListAsync(distributor, "?page=2&pageSize=2");
        NumbersOf(firstPage).ShouldBe([issued[2], issued[1]]);
        NumbersOf(secondPage).ShouldBe([issued[0]]);
        (secondPage.GetProperty("page").GetInt32(), secondPage.GetProperty("pageSize").GetInt32(), secondPage.GetProperty("total").GetInt32()).ShouldBe((2, 2, 3));

        using var coordinator = Client(Tokens.Coordinator(cards.Area));
        NumbersOf(await ListAsync(coordinator, $"?distributorId={cards.Distributor}")).ShouldBe([issued[2], issued[1], issued[0]]);
        NumbersOf(await ListAsync(admin, $"?distributorId={cards.OtherDistributor}")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Listing_refuses_bad_paging_unknown_units_and_other_units_cards()
    {
        await IssueNumberAsync();
        using var otherDistributor = Client(DistributorClient(cards.OtherDistributor, cards.OtherArea));
        using var otherCoordinator = Client(Tokens.Coordinator(cards.OtherArea));
        using var venue = Client(VenueClient(cards.Area));

        await (await distributor.GetAsync("/api/cards?pageSize=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "paging-invalid");
        await (await distributor.GetAsync("/api/cards?pageSize=101")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "paging-invalid");
        await (await distributor.GetAsync("/api/cards?page=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "paging-invalid");
        (await ListAsync(distributor, "?pageSize=100")).GetProperty("items").GetArrayLength().ShouldBe(1);
        await (await admin.GetAsync($"/api/cards?distributorId={Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "distributor-not-found");
        await (await otherDistributor.GetAsync($"/api/cards?distributorId={cards.Distributor}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await otherCoordinator.GetAsync($"/api/cards?distributorId={cards.Distributor}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await venue.GetAsync($"/api/cards?distributorId={cards.Distributor}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await admin.GetAsync("/api/cards")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "card-field-required");
    }

    [Theory]
    [InlineData("?page=2")]
    [InlineData("?page=1000000&pageSize=100")]
    [InlineData("?page=2147483647")]
    [InlineData("?page=2147483647&pageSize=100")]
    public async Task A_page_beyond_the_last_is_empty(string query)
    {
        await IssueNumberAsync();

        var page = await ListAsync(distributor, query);

        (page.GetProperty("items").GetArrayLength(), page.GetProperty("total").GetInt32()).ShouldBe((0, 1));
    }

    // ---- The QR code ----

    [Fact]
    public async Task The_issuer_gets_the_card_number_as_an_svg_QR_code_for_printing()
    {
        var number = await IssueNumberAsync();

        var response = await distributor.GetAsync($"/api/cards/{CardNumber.Display(number)}/qr.svg");
        var svg = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK, svg);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("image/svg+xml");
        (svg.TrimStart().StartsWith("<svg", StringComparison.Ordinal) || svg.TrimStart().StartsWith("<?xml", StringComparison.Ordinal)).ShouldBeTrue(svg[..Math.Min(80, svg.Length)]);
        using var coordinator = Client(Tokens.Coordinator(cards.Area));
        (await coordinator.GetAsync($"/api/cards/{number}/qr.svg")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var venue = Client(VenueClient(cards.Area));
        await (await venue.GetAsync($"/api/cards/{number}/qr.svg")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using var otherDistributor = Client(DistributorClient(cards.OtherDistributor, cards.OtherArea));
        await (await otherDistributor.GetAsync($"/api/cards/{number}/qr.svg")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await distributor.GetAsync($"/api/cards/{NeverIssued(number)}/qr.svg")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "card-not-found");
    }

    // ---- Events ----

    [Theory]
    [InlineData(ThisYear - 16, "16-17")]
    [InlineData(ThisYear - 18, "18-29")]
    [InlineData(ThisYear - 45, "30-64")]
    [InlineData(ThisYear - 65, "65+")]
    public async Task CardIssued_carries_an_age_band_and_never_the_birth_year_or_postal_code(int birthYear, string ageBand)
    {
        var card = await cards.IssueAsync(CardsService.Personal(cards.Distributor, birthYear, "60100", children: 4), distributor);

        var issued = (await EventsOfAsync("CardIssued")).Single();
        (issued.GetProperty("cardNumber").GetString(), issued.GetProperty("ageBand").GetString()).ShouldBe((card.GetProperty("cardNumber").GetString(), ageBand));
        (issued.GetProperty("children").GetInt32(), issued.GetProperty("kind").GetString(), issued.GetProperty("validUntil").GetString()).ShouldBe((4, "personal", "2027-03-10"));
        (issued.GetProperty("areaCode").GetString(), issued.GetProperty("distributorId").GetGuid()).ShouldBe((cards.Area, cards.Distributor));
        NamesOf(issued).ShouldNotContain("birthYear");
        NamesOf(issued).ShouldNotContain("postalCode");
        issued.GetRawText().ShouldNotContain("60100");
    }

    [Fact]
    public async Task CardIssued_for_a_community_card_carries_its_group_size_and_no_age_band()
    {
        await cards.IssueAsync(CardsService.Community(cards.Distributor, 7), distributor);

        var issued = (await EventsOfAsync("CardIssued")).Single();
        (issued.GetProperty("kind").GetString(), issued.GetProperty("groupSize").GetInt32(), issued.GetProperty("children").GetInt32()).ShouldBe(("community", 7, 0));
        issued.GetProperty("ageBand").ValueKind.ShouldBe(JsonValueKind.Null);
        issued.GetProperty("validUntil").GetString().ShouldBe("2027-03-10");
    }

    // ---- Helpers ----

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);

    private HttpClient Client(SiteClient client) => cards.Factory.CreateClient().As(Tokens.ForTests.Issue(client, TokenLifetime));

    private static SiteClient DistributorClient(Guid id, string area) => new($"distributor-{id:N}"[..24], Roles.Distributor, area, id, []);

    private static SiteClient VenueClient(string area) => new($"venue-{area}", Roles.Venue, area, null, [Guid.NewGuid()]);

    private static SiteClient PartnerClient(string area) => new($"partner-{area}", Roles.Partner, area, null, [Guid.NewGuid(), Guid.NewGuid()]);

    private static SiteClient StatisticsClient() => new("statistics-national", Roles.Statistics, null, null, []);

    private async Task<string> IssueNumberAsync() =>
        (await cards.IssueAsync(new { kind = "personal", birthYear = 1980, postalCode = "60100", children = 2 }, distributor)).GetProperty("cardNumber").GetString()!;

    private static async Task<JsonElement> StatusAsync(HttpClient client, string number) =>
        await (await client.GetAsync($"/api/cards/{number}/status")).ShouldBeJsonAsync(HttpStatusCode.OK);

    private async Task<JsonElement> FullRecordAsync(string number) =>
        await (await admin.GetAsync($"/api/cards/{number}")).ShouldBeJsonAsync(HttpStatusCode.OK);

    private static async Task<JsonElement> ListAsync(HttpClient client, string query) =>
        await (await client.GetAsync($"/api/cards{query}")).ShouldBeJsonAsync(HttpStatusCode.OK);

    private static List<string> NumbersOf(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("cardNumber").GetString()!)];

    private static List<string> NamesOf(JsonElement json) => [.. json.EnumerateObject().Select(p => p.Name)];

    /// <summary>A number with a valid check digit that differs from <paramref name="issued"/>.</summary>
    private static string NeverIssued(string issued)
    {
        while (true)
        {
            var payload = string.Concat(Enumerable.Range(0, CardNumber.Length - 1).Select(i => (char)('0' + Random.Shared.Next(i == 0 ? 1 : 0, 10))));
            var number = payload + CardNumber.CheckDigit(payload);
            if (number != issued) return number;
        }
    }

    private async Task<int> CardCountAsync()
    {
        await using var connection = await cards.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM cards");
    }

    private async Task<List<JsonElement>> EventsOfAsync(string type) => [.. (await cards.EventsAsync()).Where(e => e.Type == type).Select(e => e.Body)];
}
