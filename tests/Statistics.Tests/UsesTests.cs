using System.Net;
using System.Text.Json;
using Kaikukortti.Contracts;
using Kaikukortti.TestSupport;
using static Kaikukortti.Statistics.Tests.Figures;

namespace Kaikukortti.Statistics.Tests;

/// <summary>
/// Uses as the projections count them: a use is one ticket (adults + children), assistants apart; cancelled uses come
/// off; redelivered and reordered events change nothing; months are Helsinki months. Read as the national admin, who
/// sees every figure exactly.
/// </summary>
public sealed class UsesTests : IClassFixture<StatisticsService>
{
    private static readonly Kaikukortti.ServiceDefaults.Auth.SiteClient Admin = Callers.NationalAdmin;
    private readonly StatisticsService service;

    public UsesTests(StatisticsService service)
    {
        this.service = service;
        service.Clock.Now = StatisticsService.Noon;
    }

    [Fact]
    public async Task A_use_is_one_ticket_for_each_adult_and_child_and_assistants_are_counted_apart()
    {
        var (home, venue) = await TwoAreasAsync();

        await service.ApplyAsync(
            Events.Use(home, venue, "2026-03-10T10:00:00Z", adults: 2, children: 3, assistants: 1),
            Events.Use(home, venue, "2026-03-11T10:00:00Z", adults: 1, children: 0, assistants: 2));

        var summary = await SummaryAsync(venue);
        summary.Count("uses").ShouldBe(6);
        summary.Count("adultUses").ShouldBe(3);
        summary.Count("childUses").ShouldBe(3);
        var culture = (await UsesAsync("category", venue)).Row("culture");
        culture.Count("uses").ShouldBe(6);
        culture.Count("adultUses").ShouldBe(3);
        culture.Count("childUses").ShouldBe(3);
        culture.Count("assistants").ShouldBe(3);
    }

    [Fact]
    public async Task A_cancelled_use_is_taken_off_every_figure()
    {
        var (home, venue) = await TwoAreasAsync();
        var cancelled = Events.Use(home, venue, "2026-03-10T10:00:00Z", adults: 2, children: 1, assistants: 1);
        var kept = Events.Use(home, venue, "2026-03-10T11:00:00Z", adults: 1);
        await service.ApplyAsync(cancelled, kept);
        (await SummaryAsync(venue)).Count("uses").ShouldBe(4);

        await service.ApplyAsync(Events.Cancelled(cancelled));

        var summary = await SummaryAsync(venue);
        summary.Count("uses").ShouldBe(1);
        summary.Count("adultUses").ShouldBe(1);
        summary.Count("childUses").ShouldBe(0);
        var march = (await UsesAsync("month", venue)).Row("2026-03");
        (march.Count("uses"), march.Count("assistants")).ShouldBe((1, 0));
        (await FlowsAsync(2026)).Flow(home, venue)!.Value.Count("uses").ShouldBe(1);
    }

    [Fact]
    public async Task A_cancellation_that_arrives_before_its_use_leaves_the_use_uncounted()
    {
        var (home, venue) = await TwoAreasAsync();
        var use = Events.Use(home, venue, "2026-03-10T10:00:00Z", adults: 1, children: 2, assistants: 1);

        await service.ApplyInOrderAsync(Events.Cancelled(use), use);
        await service.ApplyAsync(Events.Use(home, venue, "2026-03-10T12:00:00Z", adults: 1));

        var summary = await SummaryAsync(venue);
        summary.Count("uses").ShouldBe(1, "only the use that was not cancelled");
        summary.Count("childUses").ShouldBe(0);
        (await UsesAsync("category", venue)).Row("culture").Count("assistants").ShouldBe(0);
    }

    [Fact]
    public async Task A_redelivered_use_counts_once()
    {
        var (home, venue) = await TwoAreasAsync();
        var use = Events.Use(home, venue, "2026-03-10T10:00:00Z", adults: 2, children: 1);

        var messageId = await service.PublishAsync(use);
        await service.WaitUntilHandledAsync(messageId);
        await service.RedeliverAsync(use, messageId);
        await service.RedeliverAsync(use, messageId);
        // The same use announced again under a new message id (a replayed outbox row) is still the same use.
        await service.ApplyAsync(use);

        var summary = await SummaryAsync(venue);
        summary.Count("uses").ShouldBe(3);
        summary.Count("adultUses").ShouldBe(2);
        (await SummaryAsync(home)).Count("cardsTakenIntoUse").ShouldBe(1);
    }

    [Fact]
    public async Task A_redelivered_cancellation_takes_the_use_off_once()
    {
        var (home, venue) = await TwoAreasAsync();
        var cancelled = Events.Use(home, venue, "2026-03-10T10:00:00Z", adults: 1, children: 2);
        await service.ApplyAsync(cancelled, Events.Use(home, venue, "2026-03-10T11:00:00Z", adults: 2));

        var cancel = Events.Cancelled(cancelled);
        var messageId = await service.PublishAsync(cancel);
        await service.WaitUntilHandledAsync(messageId);
        await service.RedeliverAsync(cancel, messageId);
        await service.RedeliverAsync(cancel, messageId);
        await service.ApplyAsync(cancel);

        var summary = await SummaryAsync(venue);
        summary.Count("uses").ShouldBe(2);
        summary.Count("childUses").ShouldBe(0);
    }

    [Fact]
    public async Task Months_are_Helsinki_months()
    {
        var (home, venue) = await TwoAreasAsync();

        await service.ApplyAsync(
            Events.Use(home, venue, "2026-01-31T22:30:00Z"),                // 00:30 on 1 February in Helsinki (UTC+2)
            Events.Use(home, venue, "2026-03-31T20:30:00Z", adults: 2),     // 23:30 on 31 March (UTC+3 since 29 March)
            Events.Use(home, venue, "2026-03-31T22:30:00Z", adults: 4));    // 01:30 on 1 April

        var months = await UsesAsync("month", venue);
        months.GetProperty("groupBy").GetString().ShouldBe("month");
        Keys(months).ShouldBe(["2026-02", "2026-03", "2026-04"]);
        months.Row("2026-02").Count("uses").ShouldBe(1);
        months.Row("2026-03").Count("uses").ShouldBe(2);
        months.Row("2026-04").Count("uses").ShouldBe(4);
    }

    [Fact]
    public async Task From_and_to_are_months_and_both_are_included()
    {
        var (home, venue) = await TwoAreasAsync();
        await service.ApplyAsync(
            Events.Use(home, venue, "2026-01-15T10:00:00Z"),
            Events.Use(home, venue, "2026-02-15T10:00:00Z", adults: 2),
            Events.Use(home, venue, "2026-03-31T22:30:00Z", adults: 3),     // April in Helsinki
            Events.Use(home, venue, "2026-05-15T10:00:00Z", adults: 4));

        Keys(await UsesAsync("month", venue, from: "2026-02", to: "2026-04")).ShouldBe(["2026-02", "2026-04"]);
        Keys(await UsesAsync("month", venue, from: "2026-04")).ShouldBe(["2026-04", "2026-05"]);
        Keys(await UsesAsync("month", venue, to: "2026-01")).ShouldBe(["2026-01"]);
        (await UsesAsync("category", venue, from: "2026-02", to: "2026-04")).Row("culture").Count("uses").ShouldBe(5);
    }

    [Fact]
    public async Task A_use_on_new_years_night_belongs_to_the_Helsinki_year()
    {
        var (home, venue) = await TwoAreasAsync();

        await service.ApplyAsync(Events.Use(home, venue, "2025-12-31T22:30:00Z", adults: 1, children: 1));   // 00:30 on 1 January 2026

        (await SummaryAsync(venue, 2026)).Count("uses").ShouldBe(2);
        (await SummaryAsync(venue, 2025)).Count("uses").ShouldBe(0);
        Keys(await UsesAsync("month", venue)).ShouldBe(["2026-01"]);
        (await service.JsonAsync(Path("annual", ("area", venue)), Admin)).Year(2026).Count("totalUses").ShouldBe(2);
    }

    [Fact]
    public async Task Uses_count_in_the_venues_area_and_by_home_area_where_the_card_comes_from()
    {
        var areas = await service.NewAreasAsync(4);
        var (north, south, venueArea, otherVenueArea) = (areas[0], areas[1], areas[2], areas[3]);

        await service.ApplyAsync(
            Events.Use(north, venueArea, "2026-03-10T10:00:00Z", adults: 1, children: 1),
            Events.Use(south, venueArea, "2026-03-10T10:00:00Z", adults: 3),
            Events.Use(north, otherVenueArea, "2026-03-10T10:00:00Z", adults: 4));

        (await SummaryAsync(venueArea)).Count("uses").ShouldBe(5);
        (await SummaryAsync(otherVenueArea)).Count("uses").ShouldBe(4);
        (await SummaryAsync(north)).Count("uses").ShouldBe(0, "no venue of the card's home area was visited");

        var byHome = await UsesAsync("homeArea", venueArea);
        Keys(byHome).ShouldBe(new[] { north, south }.Order().ToArray());
        byHome.Row(north).Count("uses").ShouldBe(2);
        byHome.Row(south).Count("uses").ShouldBe(3);

        var nationalByHome = await UsesAsync("homeArea", null);
        nationalByHome.Row(north).Count("uses").ShouldBe(6);
        nationalByHome.Row(south).Count("uses").ShouldBe(3);

        var byArea = await UsesAsync("area", null);
        byArea.Row(venueArea).Count("uses").ShouldBe(5);
        byArea.Row(otherVenueArea).Count("uses").ShouldBe(4);
        byArea.FindRow(north).ShouldBeNull("uses count in the venue's area");
    }

    [Fact]
    public async Task Flows_are_uses_by_home_area_and_venue_area()
    {
        var areas = await service.NewAreasAsync(4);
        var (home1, home2, venue1, venue2) = (areas[0], areas[1], areas[2], areas[3]);

        await service.ApplyAsync(
            Events.Use(home1, venue1, "2026-03-10T10:00:00Z", adults: 1, children: 2, assistants: 3),
            Events.Use(home1, venue2, "2026-03-10T10:00:00Z"),
            Events.Use(home1, venue2, "2026-04-10T10:00:00Z"),
            Events.Use(home2, venue1, "2026-03-10T10:00:00Z", adults: 4),
            Events.Use(home1, venue1, "2025-06-10T10:00:00Z", adults: 2));

        var flows2026 = await FlowsAsync(2026);
        flows2026.GetProperty("year").GetInt32().ShouldBe(2026);
        flows2026.Flow(home1, venue1)!.Value.Count("uses").ShouldBe(3, "adults and children, not assistants");
        flows2026.Flow(home1, venue2)!.Value.Count("uses").ShouldBe(2);
        flows2026.Flow(home2, venue1)!.Value.Count("uses").ShouldBe(4);
        flows2026.Flow(home2, venue2).ShouldBeNull();
        flows2026.Flow(venue1, home1).ShouldBeNull();

        var flows2025 = await FlowsAsync(2025);
        flows2025.Flow(home1, venue1)!.Value.Count("uses").ShouldBe(2);
        flows2025.Flow(home2, venue1).ShouldBeNull();

        var allYears = await FlowsAsync(null);
        allYears.GetProperty("year").ValueKind.ShouldBe(JsonValueKind.Null);
        allYears.Flow(home1, venue1)!.Value.Count("uses").ShouldBe(5);
    }

    [Fact]
    public async Task Uses_by_venue_carry_the_venues_latest_name()
    {
        var (home, area) = await TwoAreasAsync();
        var venue = Events.Venue(area, "science", new LocalizedName { Fi = "Tiedekeskus", Sv = "Vetenskapscentret", En = "Science Centre" });
        var unannounced = Guid.NewGuid();
        await service.ApplyAsync(venue);
        await service.ApplyAsync(
            Events.Use(home, area, "2026-03-10T10:00:00Z", adults: 2, category: "science", venueId: venue.VenueId),
            Events.Use(home, area, "2026-03-10T10:00:00Z", adults: 1, category: "sport", venueId: unannounced));

        var byVenue = await UsesAsync("venue", area);
        var row = byVenue.Row(venue.VenueId.ToString());
        row.Count("uses").ShouldBe(2);
        row.GetProperty("name").GetProperty("fi").GetString().ShouldBe("Tiedekeskus");
        row.GetProperty("name").GetProperty("sv").GetString().ShouldBe("Vetenskapscentret");
        row.GetProperty("name").GetProperty("en").GetString().ShouldBe("Science Centre");
        byVenue.Row(unannounced.ToString()).GetProperty("name").ValueKind.ShouldBe(JsonValueKind.Null, "a venue statistics have not heard of yet");

        await service.ApplyAsync(Events.Changed(venue, active: true, venue.RegisteredAt.AddDays(1)) with { Name = new LocalizedName { Fi = "Heureka" } });
        (await UsesAsync("venue", area)).Row(venue.VenueId.ToString()).GetProperty("name").GetProperty("fi").GetString().ShouldBe("Heureka");
        (await UsesAsync("category", area)).Row("science").GetProperty("name").ValueKind.ShouldBe(JsonValueKind.Null, "only venues have names");
    }

    [Fact]
    public async Task Uses_by_category_follow_the_venues_category()
    {
        var (home, venue) = await TwoAreasAsync();
        await service.ApplyAsync(
            Events.Use(home, venue, "2026-03-10T10:00:00Z", adults: 1, children: 1, category: "culture"),
            Events.Use(home, venue, "2026-03-10T10:00:00Z", adults: 2, category: "sport"),
            Events.Use(home, venue, "2026-03-10T10:00:00Z", adults: 1, children: 3, category: "sport"),
            Events.Use(home, venue, "2026-03-10T10:00:00Z", adults: 5, category: "education"));

        var byCategory = await UsesAsync("category", venue);
        Keys(byCategory).ShouldBe(["culture", "education", "sport"]);
        (byCategory.Row("sport").Count("adultUses"), byCategory.Row("sport").Count("childUses")).ShouldBe((3, 3));
        byCategory.Row("education").Count("uses").ShouldBe(5);
    }

    [Theory]
    [InlineData("groupBy=Month")]
    [InlineData("groupBy=year")]
    [InlineData("groupBy=venueArea")]
    [InlineData("groupBy=")]
    [InlineData("")]
    public async Task An_unknown_grouping_is_a_400_problem(string query) =>
        await (await service.GetAsync($"/api/statistics/uses?{query}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "group-by-invalid");

    [Theory]
    [InlineData("from=2026-13")]
    [InlineData("to=March")]
    [InlineData("from=2026-03-01")]
    [InlineData("to=26-03")]
    [InlineData("from=2026-00")]
    public async Task A_month_not_written_YYYY_MM_is_a_400_problem(string query) =>
        await (await service.GetAsync($"/api/statistics/uses?groupBy=month&{query}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "month-invalid");

    [Theory]
    [InlineData("summary?year=1999")]
    [InlineData("summary?year=2101")]
    [InlineData("flows?year=1999")]
    [InlineData("flows?year=2101")]
    public async Task A_year_out_of_range_is_a_400_problem(string query) =>
        await (await service.GetAsync($"/api/statistics/{query}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "year-invalid");

    [Theory]
    [InlineData("summary?year=abc")]
    [InlineData("flows?year=2026.5")]
    public async Task A_year_that_is_not_a_number_is_a_400_problem(string query)
    {
        var response = await service.GetAsync($"/api/statistics/{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }

    [Theory]
    [InlineData("summary?area=atlantis")]
    [InlineData("annual?area=atlantis")]
    [InlineData("uses?groupBy=month&area=atlantis")]
    [InlineData("uses?groupBy=homeArea&area=atlantis")]
    public async Task An_unknown_area_is_a_404_problem(string query) =>
        await (await service.GetAsync($"/api/statistics/{query}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "area-not-found");

    [Fact]
    public async Task An_area_is_found_whatever_its_case_and_surrounding_spaces()
    {
        var area = await service.NewAreaAsync("Vaasa", "Mustasaari");

        var summary = await service.JsonAsync($"/api/statistics/summary?area={Uri.EscapeDataString($" {area.ToUpperInvariant()} ")}");

        summary.GetProperty("area").GetString().ShouldBe(area);
        summary.GetProperty("municipalities").GetInt32().ShouldBe(2);
    }

    private async Task<(string Home, string Venue)> TwoAreasAsync()
    {
        var areas = await service.NewAreasAsync(2);
        return (areas[0], areas[1]);
    }

    private Task<JsonElement> SummaryAsync(string area, int? year = null) => service.JsonAsync(Path("summary", ("area", area), ("year", year)), Admin);

    private Task<JsonElement> UsesAsync(string groupBy, string? area, string? from = null, string? to = null) =>
        service.JsonAsync(Path("uses", ("groupBy", groupBy), ("area", area), ("from", from), ("to", to)), Admin);

    private Task<JsonElement> FlowsAsync(int? year) => service.JsonAsync(Path("flows", ("year", year)), Admin);

    private static string[] Keys(JsonElement uses) => [.. uses.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()!)];
}
