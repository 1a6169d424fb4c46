using System.Net;
using System.Text.Json;
using Dapper;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Kaikukortti.Cards.Tests;

/// <summary>
/// The national admin carries cards over from the earlier register with the day that register issued them
/// (<c>issuedOn</c>); no one else may date a card. Today is 10 March 2026 in Helsinki unless a test moves the clock.
/// </summary>
public sealed class CarryOverApiTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private readonly TestClock clock = new(At("2026-03-10T10:00:00Z"));
    private CardsService cards = null!;

    public async ValueTask InitializeAsync() => cards = await CardsService.StartAsync(postgres, rabbitMq, services => services.AddSingleton<TimeProvider>(clock));

    public async ValueTask DisposeAsync() => await cards.DisposeAsync();

    [Fact]
    public async Task The_national_admin_carries_over_a_card_issued_three_years_ago_which_expired_a_year_after_that()
    {
        // Born 2006: 17 in 2023, when the card was issued, though 20 now.
        var card = await cards.IssueAsync(CarriedOver("2023-05-20", birthYear: 2006));

        var number = card.GetProperty("cardNumber").GetString()!;
        (card.GetProperty("issuedOn").GetString(), card.GetProperty("validUntil").GetString(), card.GetProperty("status").GetString())
            .ShouldBe(("2023-05-20", "2024-05-20", "expired"));
        (card.GetProperty("distributorId").GetGuid(), card.GetProperty("areaCode").GetString()).ShouldBe((cards.Distributor, cards.Area));
        var issued = (await EventsOfAsync("CardIssued")).Single();
        (issued.GetProperty("cardNumber").GetString(), issued.GetProperty("issuedOn").GetString(), issued.GetProperty("validUntil").GetString())
            .ShouldBe((number, "2023-05-20", "2024-05-20"));
        issued.GetProperty("ageBand").GetString().ShouldBe("16-17");

        var full = await (await cards.Admin.GetAsync($"/api/cards/{number}")).ShouldBeJsonAsync(HttpStatusCode.OK);
        (full.GetProperty("issuedOn").GetString(), full.GetProperty("status").GetString()).ShouldBe(("2023-05-20", "expired"));
        using var venue = cards.As(new SiteClient("venue-carry-over", Roles.Venue, cards.Area, null, [Guid.NewGuid()]));
        var status = await (await venue.GetAsync($"/api/cards/{number}/status")).ShouldBeJsonAsync(HttpStatusCode.OK);
        (status.GetProperty("valid").GetBoolean(), status.GetProperty("reason").GetString(), status.GetProperty("validUntil").GetString())
            .ShouldBe((false, "expired", "2024-05-20"));
    }

    [Theory]
    [InlineData("2026-03-10", "2027-03-10", "active")]
    [InlineData("2025-03-10", "2026-03-10", "active")]
    [InlineData("2025-03-09", "2026-03-09", "expired")]
    [InlineData("2006-03-10", "2007-03-10", "expired")]
    public async Task A_carried_over_card_is_valid_through_the_same_date_a_year_after_its_issue_day(string issuedOn, string validUntil, string status)
    {
        var card = await cards.IssueAsync(CarriedOver(issuedOn));

        (card.GetProperty("issuedOn").GetString(), card.GetProperty("validUntil").GetString(), card.GetProperty("status").GetString())
            .ShouldBe((issuedOn, validUntil, status));
        var issued = (await EventsOfAsync("CardIssued")).Single();
        (issued.GetProperty("issuedOn").GetString(), issued.GetProperty("validUntil").GetString()).ShouldBe((issuedOn, validUntil));
    }

    [Fact]
    public async Task Only_the_national_admin_dates_a_card_and_a_refused_one_writes_nothing()
    {
        using var distributor = cards.AsDistributor(cards.Distributor);
        using var coordinator = cards.AsCoordinator(cards.Area);

        foreach (var client in new[] { distributor, coordinator })
        {
            foreach (var issuedOn in new[] { "2023-05-20", "2026-03-10", "2030-01-01" })
                await (await client.PostJsonAsync("/api/cards", CarriedOver(issuedOn))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        (await WrittenAsync()).ShouldBe((0, 0, 0));
        // Without a date the same unit issues the card from today.
        (await cards.IssueAsync(CardsService.Personal(cards.Distributor), distributor)).GetProperty("issuedOn").GetString().ShouldBe("2026-03-10");
        (await WrittenAsync()).ShouldBe((1, 1, 1));
    }

    [Theory]
    [InlineData("2026-03-11")]
    [InlineData("2027-01-01")]
    [InlineData("2006-03-09")]
    [InlineData("1990-01-01")]
    public async Task An_issue_date_after_today_or_more_than_twenty_years_back_is_a_400_and_writes_nothing(string issuedOn)
    {
        cards.Admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        var problem = await (await cards.Admin.PostJsonAsync("/api/cards", CarriedOver(issuedOn))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "issued-on-invalid");

        problem.GetProperty("detail").GetString().ShouldBe("The issue date cannot be in the future or more than 20 years back.");
        (await WrittenAsync()).ShouldBe((0, 0, 0));
    }

    [Fact]
    public async Task Today_and_twenty_years_back_are_reckoned_in_Helsinki()
    {
        clock.Now = At("2026-03-10T21:30:00Z"); // 23:30 on 10 March in Helsinki
        await (await cards.Admin.PostJsonAsync("/api/cards", CarriedOver("2026-03-11"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "issued-on-invalid");
        (await cards.IssueAsync(CarriedOver("2006-03-10"))).GetProperty("validUntil").GetString().ShouldBe("2007-03-10");

        clock.Now = At("2026-03-10T22:30:00Z"); // 00:30 on 11 March in Helsinki, still the 10th in UTC
        var card = await cards.IssueAsync(CarriedOver("2026-03-11"));
        await (await cards.Admin.PostJsonAsync("/api/cards", CarriedOver("2006-03-10"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "issued-on-invalid");

        (card.GetProperty("validUntil").GetString(), card.GetProperty("status").GetString()).ShouldBe(("2027-03-11", "active"));
        (await WrittenAsync()).ShouldBe((2, 2, 2));
    }

    [Theory]
    [InlineData("\"2026-02-30\"")]
    [InlineData("\"10.3.2026\"")]
    [InlineData("\"2023-05-20T00:00:00Z\"")]
    [InlineData("20230520")]
    [InlineData("\"\"")]
    public async Task An_issue_date_that_is_not_a_date_is_a_400_and_writes_nothing(string issuedOn)
    {
        var json = $$"""{"distributorId":"{{cards.Distributor}}","kind":"personal","birthYear":1980,"postalCode":"60100","children":2,"issuedOn":{{issuedOn}}}""";

        await (await cards.Admin.PostRawJsonAsync("/api/cards", json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad-request");

        (await WrittenAsync()).ShouldBe((0, 0, 0));
    }

    [Fact]
    public async Task The_holder_must_have_turned_16_by_the_end_of_the_year_the_card_was_issued()
    {
        cards.Admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        // Born 2009: 16 last year, so a card issued today is fine — but not one issued in 2024.
        var problem = await (await cards.Admin.PostJsonAsync("/api/cards", CarriedOver("2024-06-01", birthYear: 2009)))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "holder-too-young");
        problem.GetProperty("detail").GetString()!.ShouldContain("2008");
        (await WrittenAsync()).ShouldBe((0, 0, 0));
        await cards.IssueAsync(CardsService.Personal(cards.Distributor, birthYear: 2009));

        // Born 2008: 16 in 2024.
        var card = await cards.IssueAsync(CarriedOver("2024-06-01", birthYear: 2008));
        card.GetProperty("issuedOn").GetString().ShouldBe("2024-06-01");
        (await EventsOfAsync("CardIssued")).Last().GetProperty("ageBand").GetString().ShouldBe("16-17");
        (await WrittenAsync()).ShouldBe((2, 2, 2));
    }

    [Fact]
    public async Task The_oldest_birth_year_is_also_reckoned_from_the_year_the_card_was_issued()
    {
        // 120 in 2024 but 122 now: too old for a card issued today, not for one issued in 2024.
        await (await cards.Admin.PostJsonAsync("/api/cards", CardsService.Personal(cards.Distributor, birthYear: 1904)))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "birth-year-invalid");
        await (await cards.Admin.PostJsonAsync("/api/cards", CarriedOver("2024-06-01", birthYear: 1903)))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "birth-year-invalid");

        (await cards.IssueAsync(CarriedOver("2024-06-01", birthYear: 1904))).GetProperty("issuedOn").GetString().ShouldBe("2024-06-01");
        (await WrittenAsync()).ShouldBe((1, 1, 1));
    }

    [Fact]
    public async Task A_carried_over_community_card_is_dated_like_a_personal_one()
    {
        var card = await cards.IssueAsync(new { distributorId = cards.OtherDistributor, kind = "community", groupSize = 8, issuedOn = "2022-11-30" });

        (card.GetProperty("kind").GetString(), card.GetProperty("areaCode").GetString()).ShouldBe(("community", cards.OtherArea));
        (card.GetProperty("issuedOn").GetString(), card.GetProperty("validUntil").GetString(), card.GetProperty("status").GetString())
            .ShouldBe(("2022-11-30", "2023-11-30", "expired"));
        var issued = (await EventsOfAsync("CardIssued")).Single();
        (issued.GetProperty("issuedOn").GetString(), issued.GetProperty("groupSize").GetInt32()).ShouldBe(("2022-11-30", 8));
    }

    private object CarriedOver(string issuedOn, int birthYear = 1980) =>
        new { distributorId = cards.Distributor, kind = "personal", birthYear, postalCode = "60100", children = 2, issuedOn };

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<List<JsonElement>> EventsOfAsync(string type) => [.. (await cards.EventsAsync()).Where(e => e.Type == type).Select(e => e.Body)];

    /// <summary>What issuing has written: card rows, CardIssued events in the outbox and card-issued lines in the audit log.</summary>
    private async Task<(int Cards, int Events, int Audited)> WrittenAsync()
    {
        await using var connection = await cards.OpenAsync();
        return await connection.QuerySingleAsync<(int, int, int)>("""
            SELECT (SELECT count(*)::int FROM cards),
                   (SELECT count(*)::int FROM outbox WHERE message_type LIKE '%CardIssued%'),
                   (SELECT count(*)::int FROM audit_log WHERE action = 'card-issued')
            """);
    }
}
