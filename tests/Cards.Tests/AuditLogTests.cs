using System.Globalization;
using System.Net;
using System.Text.Json;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Kaikukortti.Cards.Tests;

/// <summary>
/// Who read a card's full record or changed a card or distributor, and when: for the area's coordinator and the national
/// admin. The clock stands still at 10:00 UTC on 10 March 2026 and moves a minute per step.
/// </summary>
public sealed class AuditLogTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private const int BirthYear = 1958;
    private const string PostalCode = "38950";
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly string[] EntryFields = ["at", "clientId", "role", "action", "areaCode", "distributorId", "cardNumber"];

    private readonly TestClock clock = new(Start);
    private CardsService cards = null!;
    private HttpClient admin = null!;
    private HttpClient coordinator = null!;
    private HttpClient distributor = null!;

    public async ValueTask InitializeAsync()
    {
        cards = await CardsService.StartAsync(postgres, rabbitMq, services => services.AddSingleton<TimeProvider>(clock));
        admin = Client(Tokens.NationalAdmin);
        coordinator = Client(Tokens.Coordinator(cards.Area));
        distributor = Client(DistributorClient(cards.Distributor, cards.Area));
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        coordinator.Dispose();
        distributor.Dispose();
        await cards.DisposeAsync();
    }

    /// <summary>The card numbers and distributor of <see cref="ActAsync"/>'s story.</summary>
    private sealed record Story(string Renewed, string Replaced, string Replacement, Guid Deactivated);

    /// <summary>
    /// 10:01 the distributor issues card A; 10:02 the coordinator reads it; 10:03 the distributor lists its cards;
    /// 10:04 the admin renews A; 10:05 the distributor issues B; 10:06 it replaces B; 10:07 the coordinator closes A;
    /// 10:08 the coordinator registers a distributor; 10:09 the admin deactivates it.
    /// </summary>
    private async Task<Story> ActAsync()
    {
        Minute(1);
        var a = await IssueAsync();
        Minute(2);
        (await coordinator.GetAsync($"/api/cards/{a}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        Minute(3);
        (await distributor.GetAsync("/api/cards")).StatusCode.ShouldBe(HttpStatusCode.OK);
        Minute(4);
        (await admin.PostAsync($"/api/cards/{a}/renew", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        Minute(5);
        var b = await IssueAsync();
        Minute(6);
        var c = (await (await distributor.PostJsonAsync($"/api/cards/{b}/replace", new { reason = "damaged" })).ShouldBeJsonAsync(HttpStatusCode.Created))
            .GetProperty("cardNumber").GetString()!;
        Minute(7);
        (await coordinator.PostJsonAsync($"/api/cards/{a}/close", new { reason = "other" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        Minute(8);
        var d = (await (await coordinator.PostJsonAsync("/api/distributors", new { areaCode = cards.Area, name = "Etsivä nuorisotyö", unitType = "outreach-youth" }))
            .ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        Minute(9);
        (await admin.PostAsync($"/api/distributors/{d}/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        return new Story(a, b, c, d);
    }

    [Fact]
    public async Task The_areas_coordinator_reads_who_did_what_to_which_card_newest_first()
    {
        var story = await ActAsync();
        var distributorId = DistributorClient(cards.Distributor, cards.Area).ClientId;
        var coordinatorId = Tokens.Coordinator(cards.Area).ClientId;

        var log = await AuditAsync(coordinator, "");

        Entries(log).ShouldBe(
        [
            (9, "test-admin", "national-admin", "distributor-deactivated", story.Deactivated, null),
            (8, coordinatorId, "area-coordinator", "distributor-registered", story.Deactivated, null),
            (7, coordinatorId, "area-coordinator", "card-closed", cards.Distributor, story.Renewed),
            (6, distributorId, "distributor", "card-replaced", cards.Distributor, story.Replaced),
            (6, distributorId, "distributor", "card-issued", cards.Distributor, story.Replacement),
            (5, distributorId, "distributor", "card-issued", cards.Distributor, story.Replaced),
            (4, "test-admin", "national-admin", "card-renewed", cards.Distributor, story.Renewed),
            (3, distributorId, "distributor", "cards-listed", cards.Distributor, null),
            (2, coordinatorId, "area-coordinator", "card-read", cards.Distributor, story.Renewed),
            (1, distributorId, "distributor", "card-issued", cards.Distributor, story.Renewed),
            (0, "test-admin", "national-admin", "distributor-registered", cards.Distributor, null),
        ]);
        log.GetProperty("total").GetInt32().ShouldBe(11);
        log.GetProperty("items").EnumerateArray().ShouldAllBe(entry => entry.GetProperty("areaCode").GetString() == cards.Area);
    }

    [Fact]
    public async Task No_audit_entry_holds_anything_about_the_holder()
    {
        await ActAsync();

        var log = await AuditAsync(admin, "");

        log.GetProperty("items").GetArrayLength().ShouldBeGreaterThan(10);
        foreach (var entry in log.GetProperty("items").EnumerateArray())
        {
            entry.EnumerateObject().Select(p => p.Name).ShouldBe(EntryFields, ignoreOrder: true);
            foreach (var value in entry.EnumerateObject().Select(p => p.Value.ToString()))
            {
                value.ShouldNotContain(BirthYear.ToString(CultureInfo.InvariantCulture));
                value.ShouldNotContain(PostalCode);
            }
        }
    }

    [Fact]
    public async Task The_log_is_filtered_by_card_number_written_any_way_and_by_period()
    {
        var story = await ActAsync();

        Actions(await AuditAsync(coordinator, $"?cardNumber={Uri.EscapeDataString(CardNumber.Display(story.Renewed))}"))
            .ShouldBe(["card-closed", "card-renewed", "card-read", "card-issued"]);
        var hyphenated = $"{story.Replaced[..4]}-{story.Replaced[4..8]}-{story.Replaced[8..]}";
        Actions(await AuditAsync(coordinator, $"?cardNumber={hyphenated}")).ShouldBe(["card-replaced", "card-issued"]);
        Actions(await AuditAsync(coordinator, $"?cardNumber={story.Replacement}")).ShouldBe(["card-issued"]);

        var period = await AuditAsync(coordinator, $"?from={Query(Start.AddMinutes(2))}&to={Query(Start.AddMinutes(5))}");
        Actions(period).ShouldBe(["card-renewed", "cards-listed", "card-read"]);
        period.GetProperty("total").GetInt32().ShouldBe(3);
        Actions(await AuditAsync(coordinator, $"?from={Query(Start.AddMinutes(8))}")).ShouldBe(["distributor-deactivated", "distributor-registered"]);
        Actions(await AuditAsync(coordinator, $"?distributorId={story.Deactivated}")).ShouldBe(["distributor-deactivated", "distributor-registered"]);
    }

    [Fact]
    public async Task A_period_may_be_given_in_Finnish_time()
    {
        await ActAsync();
        var helsinki = TimeSpan.FromHours(2);

        var period = await AuditAsync(coordinator, $"?from={Query(Start.AddMinutes(2).ToOffset(helsinki))}&to={Query(Start.AddMinutes(5).ToOffset(helsinki))}");

        Actions(period).ShouldBe(["card-renewed", "cards-listed", "card-read"]);
    }

    [Fact]
    public async Task Checking_a_card_and_a_refused_read_leave_no_entry()
    {
        var number = await IssueAsync();
        var before = (await AuditAsync(coordinator, "")).GetProperty("total").GetInt32();
        using var venue = Client(new SiteClient("venue-client", Roles.Venue, cards.Area, null, [Guid.NewGuid()]));
        using var otherDistributor = Client(DistributorClient(cards.OtherDistributor, cards.OtherArea));
        using var otherCoordinator = Client(Tokens.Coordinator(cards.OtherArea));

        (await venue.GetAsync($"/api/cards/{number}/status")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await distributor.GetAsync($"/api/cards/{number}/status")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await venue.GetAsync($"/api/cards/{number}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await otherDistributor.GetAsync($"/api/cards/{number}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await otherCoordinator.GetAsync($"/api/cards/{number}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await otherDistributor.PostAsync($"/api/cards/{number}/renew", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await otherDistributor.GetAsync($"/api/cards?distributorId={cards.Distributor}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        (await AuditAsync(coordinator, "")).GetProperty("total").GetInt32().ShouldBe(before);
        Actions(await AuditAsync(admin, "")).ShouldBe(["card-issued", "distributor-registered", "distributor-registered"]);
    }

    [Fact]
    public async Task Another_areas_coordinator_sees_only_its_own_area()
    {
        var story = await ActAsync();
        using var otherCoordinator = Client(Tokens.Coordinator(cards.OtherArea));

        await (await otherCoordinator.GetAsync($"/api/cards/audit?area={cards.Area}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var own = await AuditAsync(otherCoordinator, "");
        own.GetProperty("items").EnumerateArray().ShouldAllBe(e => e.GetProperty("areaCode").GetString() == cards.OtherArea);
        Actions(own).ShouldBe(["distributor-registered"]);
        (await AuditAsync(otherCoordinator, $"?cardNumber={story.Renewed}")).GetProperty("total").GetInt32().ShouldBe(0);
        (await AuditAsync(otherCoordinator, $"?area={cards.OtherArea}")).GetProperty("total").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task The_national_admin_reads_any_area_or_all_of_them()
    {
        await ActAsync();

        (await AuditAsync(admin, $"?area={cards.Area}")).GetProperty("total").GetInt32().ShouldBe(11);
        (await AuditAsync(admin, $"?area={cards.OtherArea}")).GetProperty("total").GetInt32().ShouldBe(1);
        var all = await AuditAsync(admin, "");
        all.GetProperty("total").GetInt32().ShouldBe(12);
        all.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("areaCode").GetString()).Distinct().ShouldBe([cards.Area, cards.OtherArea], ignoreOrder: true);
        var page = await AuditAsync(admin, "?pageSize=5&page=3");
        (page.GetProperty("items").GetArrayLength(), page.GetProperty("total").GetInt32()).ShouldBe((2, 12));
    }

    [Fact]
    public async Task Units_venues_partners_and_statistics_clients_do_not_read_the_log()
    {
        await IssueAsync();
        SiteClient[] refused =
        [
            DistributorClient(cards.Distributor, cards.Area), new("venue-client", Roles.Venue, cards.Area, null, [Guid.NewGuid()]),
            new("partner-client", Roles.Partner, cards.Area, null, [Guid.NewGuid()]), new("statistics-client", Roles.Statistics, cards.Area, null, []),
        ];

        foreach (var client in refused)
        {
            using var http = Client(client);
            await (await http.GetAsync("/api/cards/audit")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await http.GetAsync($"/api/cards/audit?area={cards.Area}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
        await (await cards.Factory.CreateClient().GetAsync("/api/cards/audit")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_invalid_filter_is_a_400()
    {
        var number = await IssueAsync();
        var mistyped = number[..^1] + (char)('0' + (number[^1] - '0' + 1) % 10);

        await (await coordinator.GetAsync("/api/cards/audit?cardNumber=12345")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "card-number-invalid");
        await (await coordinator.GetAsync($"/api/cards/audit?cardNumber={number[..6]}xy{number[8..]}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "card-number-invalid");
        await (await coordinator.GetAsync($"/api/cards/audit?cardNumber={mistyped}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "card-number-mistyped");
        await (await coordinator.GetAsync("/api/cards/audit?pageSize=101")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "paging-invalid");
        await (await coordinator.GetAsync("/api/cards/audit?from=yesterday")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad-request");
    }

    [Theory]
    [InlineData("?page=1000")]
    [InlineData("?page=2147483647")]
    [InlineData("?page=2147483647&pageSize=100")]
    public async Task A_page_beyond_the_last_is_empty(string query)
    {
        await IssueAsync();

        var page = await AuditAsync(coordinator, query);

        (page.GetProperty("items").GetArrayLength(), page.GetProperty("total").GetInt32()).ShouldBe((0, 2));
    }

    // ---- Helpers ----

    private void Minute(int minutes) => clock.Now = Start.AddMinutes(minutes);

    private HttpClient Client(SiteClient client) => cards.Factory.CreateClient().As(Tokens.ForTests.Issue(client, TimeSpan.FromDays(3 * 366)));

    private static SiteClient DistributorClient(Guid id, string area) => new($"distributor-{id:N}"[..24], Roles.Distributor, area, id, []);

    private async Task<string> IssueAsync() =>
        (await cards.IssueAsync(new { kind = "personal", birthYear = BirthYear, postalCode = PostalCode, children = 1 }, distributor)).GetProperty("cardNumber").GetString()!;

    private static async Task<JsonElement> AuditAsync(HttpClient client, string query) =>
        await (await client.GetAsync($"/api/cards/audit{query}")).ShouldBeJsonAsync(HttpStatusCode.OK);

    private static string Query(DateTimeOffset instant) => Uri.EscapeDataString(instant.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));

    private static List<string> Actions(JsonElement log) => [.. log.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!)];

    /// <summary>Each entry as (minutes after <see cref="Start"/>, clientId, role, action, distributorId, cardNumber).</summary>
    private static List<(int, string, string, string, Guid?, string?)> Entries(JsonElement log) =>
    [
        .. log.GetProperty("items").EnumerateArray().Select(e => (
            (int)(e.GetProperty("at").GetDateTimeOffset() - Start).TotalMinutes,
            e.GetProperty("clientId").GetString()!,
            e.GetProperty("role").GetString()!,
            e.GetProperty("action").GetString()!,
            e.GetProperty("distributorId").ValueKind == JsonValueKind.Null ? (Guid?)null : e.GetProperty("distributorId").GetGuid(),
            e.GetProperty("cardNumber").GetString())),
    ];
}
