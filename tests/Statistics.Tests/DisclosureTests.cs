using System.Text.Json;
using Kaikukortti.ServiceDefaults.Auth;
using static Kaikukortti.Statistics.Tests.Figures;

namespace Kaikukortti.Statistics.Tests;

/// <summary>
/// Public answers withhold every count below 5 (null, with <c>suppressed: true</c>); areas, municipalities, distributors
/// and venues are never withheld. The national admin and national statistics clients see every figure exactly; an
/// area's statistics client and coordinator see their own area's figures exactly and everything else as the public does.
/// </summary>
public sealed class DisclosureTests : IClassFixture<StatisticsService>
{
    private readonly StatisticsService service;

    public DisclosureTests(StatisticsService service)
    {
        this.service = service;
        service.Clock.Now = StatisticsService.Noon;
    }

    public static TheoryData<string> ScopedCallers => ["national-admin", "national-statistics", "area-statistics", "area-coordinator"];

    public static TheoryData<string> UnscopedCallers => ["anonymous", "other-area-statistics", "other-area-coordinator", "area-distributor", "venue"];

    [Fact]
    public async Task The_public_summary_withholds_counts_below_five_and_shows_the_rest()
    {
        var area = await SmallAreaAsync();

        var summary = await service.JsonAsync(Path("summary", ("area", area)));

        // Uses are withheld with their parts: shown beside the others they would give a withheld part away.
        SummaryOf(summary).ShouldBe(new SummaryFigures(CardsIssued: 6, ActiveCards: 6, CardsTakenIntoUse: null, Uses: null, AdultUses: null, ChildUses: null, Suppressed: true));
        (summary.GetProperty("areas").GetInt32(), summary.GetProperty("municipalities").GetInt32()).ShouldBe((1, 1));
        (summary.GetProperty("distributors").GetInt32(), summary.GetProperty("venues").GetInt32()).ShouldBe((1, 2), "organisations are never withheld");
    }

    [Fact]
    public async Task Zero_points_at_no_one_and_is_shown_to_the_public()
    {
        var area = await service.NewAreaAsync("Pelkosenniemi");

        var summary = await service.JsonAsync(Path("summary", ("area", area)));

        SummaryOf(summary).ShouldBe(new SummaryFigures(0, 0, 0, 0, 0, 0, false));
        (summary.GetProperty("areas").GetInt32(), summary.GetProperty("municipalities").GetInt32()).ShouldBe((1, 1));
        (summary.GetProperty("distributors").GetInt32(), summary.GetProperty("venues").GetInt32()).ShouldBe((0, 0));
    }

    [Fact]
    public async Task Counts_of_five_and_more_are_shown_to_everyone()
    {
        var area = await service.NewAreaAsync();
        var cards = Events.Cards(5, area, "2026-02-01");
        await service.ApplyAsync(cards);
        await service.ApplyAsync([.. cards.Select(card => Events.Use(area, area, "2026-03-01T10:00:00Z", adults: 1, children: 1, cardId: card.CardId))]);

        var summary = await service.JsonAsync(Path("summary", ("area", area)));

        SummaryOf(summary).ShouldBe(new SummaryFigures(5, 5, 5, 10, 5, 5, Suppressed: false));
    }

    [Theory]
    [MemberData(nameof(ScopedCallers))]
    public async Task Callers_scoped_to_the_area_see_its_figures_exactly(string caller)
    {
        var area = await SmallAreaAsync();

        var summary = await service.JsonAsync(Path("summary", ("area", area)), Caller(caller, area));

        SummaryOf(summary).ShouldBe(new SummaryFigures(6, 6, 3, 6, 3, 3, Suppressed: false));
        var annual = (await service.JsonAsync(Path("annual", ("area", area)), Caller(caller, area))).Year(2026);
        (annual.Count("cardsTakenIntoUse"), annual.GetProperty("adultUses").Count("sport"), annual.Suppressed()).ShouldBe((3, 0, false));
        var uses = (await service.JsonAsync(Path("uses", ("groupBy", "month"), ("area", area)), Caller(caller, area))).Row("2026-03");
        (uses.Count("adultUses"), uses.Count("childUses"), uses.Count("assistants"), uses.Suppressed()).ShouldBe((3, 3, 1, false));
    }

    [Theory]
    [MemberData(nameof(UnscopedCallers))]
    public async Task Callers_not_scoped_to_the_area_see_what_the_public_sees(string caller)
    {
        var area = await SmallAreaAsync();

        var summary = await service.JsonAsync(Path("summary", ("area", area)), Caller(caller, area));

        SummaryOf(summary).ShouldBe(new SummaryFigures(6, 6, null, null, null, null, Suppressed: true));
        var annual = (await service.JsonAsync(Path("annual", ("area", area)), Caller(caller, area))).Year(2026);
        (annual.Count("cardsRegistered"), annual.Count("cardsTakenIntoUse"), annual.GetProperty("adultUses").Count("sport"), annual.Suppressed())
            .ShouldBe((6, null, 0, true));
        var uses = (await service.JsonAsync(Path("uses", ("groupBy", "month"), ("area", area)), Caller(caller, area))).Row("2026-03");
        (uses.Count("uses"), uses.Count("adultUses"), uses.Count("childUses"), uses.Count("assistants"), uses.Suppressed()).ShouldBe((null, null, null, null, true));
    }

    [Fact]
    public async Task National_small_counts_are_exact_only_for_national_callers()
    {
        // 2034 is this test's own year: nothing else issues cards or records uses in it, so the national figures are its alone.
        var area = await service.NewAreaAsync();
        var cards = Events.Cards(2, area, "2034-01-10");
        await service.ApplyAsync(cards);
        await service.ApplyAsync(Events.Use(area, area, "2034-02-01T10:00:00Z", adults: 1, children: 2, cardId: cards[0].CardId));
        var national = Path("summary", ("year", 2034));

        foreach (var exact in new[] { Callers.NationalAdmin, Callers.NationalStatistics })
        {
            var summary = await service.JsonAsync(national, exact);
            (summary.Count("cardsIssued"), summary.Count("cardsTakenIntoUse"), summary.Count("uses"), summary.Count("childUses")).ShouldBe((2, 1, 3, 2), exact.Role);
        }
        foreach (var withheld in new SiteClient?[] { null, Callers.Statistics(area), Callers.Coordinator(area) })
        {
            var summary = await service.JsonAsync(national, withheld);
            (summary.Count("cardsIssued"), summary.Count("cardsTakenIntoUse"), summary.Count("uses"), summary.Suppressed()).ShouldBe((null, null, null, true), withheld?.Role ?? "anonymous");
        }
        var own = await service.JsonAsync(Path("summary", ("area", area), ("year", 2034)), Callers.Statistics(area));
        (own.Count("cardsIssued"), own.Count("uses")).ShouldBe((2, 3), "its own area's figures are exact");
    }

    [Fact]
    public async Task The_public_annual_table_withholds_counts_below_five()
    {
        var area = await service.NewAreaAsync("Kuopio", "Siilinjärvi");
        var cards = Events.Cards(5, area, "2026-01-10");
        await service.ApplyAsync(cards);
        await service.ApplyAsync(
            Events.Use(area, area, "2026-02-01T10:00:00Z", adults: 5, category: "culture", cardId: cards[0].CardId),
            Events.Use(area, area, "2026-02-01T10:00:00Z", adults: 0, children: 2, category: "sport", cardId: cards[1].CardId));

        var shown = (await service.JsonAsync(Path("annual", ("area", area)))).Year(2026);

        (shown.Count("cardsRegistered"), shown.Count("cardsTakenIntoUse"), shown.Count("totalUses"), shown.GetProperty("municipalities").GetInt32()).ShouldBe((5, null, null, 2));
        shown.GetProperty("adultUses").Count("culture").ShouldBe(5);
        foreach (var category in new[] { "education", "science", "sport" }) shown.GetProperty("adultUses").Count(category).ShouldBe(0, category);
        foreach (var category in new[] { "culture", "education", "science" }) shown.GetProperty("childUses").Count(category).ShouldBe(0, category);
        shown.GetProperty("childUses").Count("sport").ShouldBeNull();
        shown.Suppressed().ShouldBeTrue();

        var exact = (await service.JsonAsync(Path("annual", ("area", area)), Callers.NationalAdmin)).Year(2026);
        (exact.Count("cardsTakenIntoUse"), exact.GetProperty("childUses").Count("sport"), exact.GetProperty("adultUses").Count("science"), exact.Suppressed())
            .ShouldBe((2, 2, 0, false));
    }

    [Fact]
    public async Task Public_uses_withhold_each_count_below_five_row_by_row()
    {
        var area = await service.NewAreaAsync();
        await service.ApplyAsync(
            Events.Use(area, area, "2026-03-01T10:00:00Z", adults: 3, children: 3, assistants: 6, category: "culture"),
            Events.Use(area, area, "2026-03-01T10:00:00Z", adults: 5, children: 5, assistants: 5, category: "education"),
            Events.Use(area, area, "2026-03-01T10:00:00Z", adults: 2, category: "science"));

        var shown = await service.JsonAsync(Path("uses", ("groupBy", "category"), ("area", area)));

        UsesFigures(shown.Row("culture")).ShouldBe((null, null, null, 6, true));
        UsesFigures(shown.Row("education")).ShouldBe((10, 5, 5, 5, false));
        UsesFigures(shown.Row("science")).ShouldBe((null, null, 0, 0, true));
        var exact = await service.JsonAsync(Path("uses", ("groupBy", "category"), ("area", area)), Callers.Coordinator(area));
        UsesFigures(exact.Row("culture")).ShouldBe((6, 3, 3, 6, false));
        UsesFigures(exact.Row("science")).ShouldBe((2, 2, 0, 0, false));
    }

    [Fact]
    public async Task In_national_groupings_an_area_client_sees_other_areas_as_the_public_does()
    {
        var (area, other) = (await service.NewAreaAsync(), await service.NewAreaAsync());
        await service.ApplyAsync(
            Events.Use(area, area, "2026-03-01T10:00:00Z", adults: 2),
            Events.Use(other, other, "2026-03-01T10:00:00Z", adults: 3));

        var asArea = await service.JsonAsync(Path("uses", ("groupBy", "area")), Callers.Statistics(area));
        asArea.Row(other).Count("uses").ShouldBeNull();
        asArea.Row(other).Suppressed().ShouldBeTrue();
        var asNational = await service.JsonAsync(Path("uses", ("groupBy", "area")), Callers.NationalStatistics);
        (asNational.Row(area).Count("uses"), asNational.Row(other).Count("uses")).ShouldBe((2, 3));
        var ofOther = await service.JsonAsync(Path("uses", ("groupBy", "homeArea"), ("area", other)), Callers.Coordinator(area));
        ofOther.Row(other).Count("uses").ShouldBeNull();
    }

    [Fact]
    public async Task Public_flows_withhold_counts_below_five()
    {
        var areas = await service.NewAreasAsync(3);
        var (home, small, large) = (areas[0], areas[1], areas[2]);
        await service.ApplyAsync(
            Events.Use(home, small, "2026-03-01T10:00:00Z", adults: 1, children: 2),
            Events.Use(home, large, "2026-03-01T10:00:00Z", adults: 2, children: 4));

        foreach (var caller in new SiteClient?[] { null, Callers.Statistics(large), Callers.Coordinator(large), Callers.Venue(small) })
        {
            var flows = await service.JsonAsync(Path("flows", ("year", 2026)), caller);
            var (smallFlow, largeFlow) = (flows.Flow(home, small)!.Value, flows.Flow(home, large)!.Value);
            (smallFlow.Count("uses"), smallFlow.Suppressed(), largeFlow.Count("uses"), largeFlow.Suppressed()).ShouldBe((null, true, 6, false), caller?.ClientId ?? "anonymous");
        }
        // An area's own flows, out of it or into it, are its coordinator's and statistics client's to see exactly.
        foreach (var caller in new[] { Callers.NationalAdmin, Callers.NationalStatistics, Callers.Statistics(home), Callers.Coordinator(small) })
        {
            var flow = (await service.JsonAsync(Path("flows", ("year", 2026)), caller)).Flow(home, small)!.Value;
            (flow.Count("uses"), flow.Suppressed()).ShouldBe((3, false), caller.ClientId);
        }
    }

    /// <summary>
    /// Withholding a count achieves nothing if the public can work it out from the counts shown beside it: uses are
    /// adult uses plus child uses, so two of the three shown give away the third.
    /// </summary>
    [Fact]
    public async Task A_withheld_count_cannot_be_worked_out_from_the_counts_shown_beside_it()
    {
        var area = await service.NewAreaAsync();
        await service.ApplyAsync([
            .. Enumerable.Range(0, 5).Select(_ => Events.Use(area, area, "2026-03-01T10:00:00Z", adults: 2)),
            Events.Use(area, area, "2026-03-01T10:00:00Z", adults: 0, children: 2)]);

        var summary = await service.JsonAsync(Path("summary", ("area", area)));
        var row = (await service.JsonAsync(Path("uses", ("groupBy", "month"), ("area", area)))).Row("2026-03");

        foreach (var (what, figures) in new[] { ("summary", summary), ("uses by month", row) })
        {
            var (uses, adults, children) = (figures.Count("uses"), figures.Count("adultUses"), figures.Count("childUses"));
            children.ShouldBeNull($"{what}: 2 child uses are below 5");
            (uses is null || adults is null).ShouldBeTrue($"{what} shows uses {uses} and adult uses {adults}, which give away the withheld child uses ({uses - adults})");
        }
    }

    /// <summary>
    /// An area of 1 municipality, 1 distributor and 2 venues, with 6 cards issued in February 2026, 3 of them used in
    /// March: 3 adult and 3 child uses (culture), 1 assistant.
    /// </summary>
    private async Task<string> SmallAreaAsync()
    {
        var area = await service.NewAreaAsync("Kemijärvi");
        var cards = Events.Cards(6, area, "2026-02-01");
        await service.ApplyAsync([Events.Distributor(area), Events.Venue(area), Events.Venue(area, "sport"), .. cards]);
        await service.ApplyAsync(
            Events.Use(area, area, "2026-03-01T10:00:00Z", adults: 1, children: 2, assistants: 1, cardId: cards[0].CardId),
            Events.Use(area, area, "2026-03-02T10:00:00Z", adults: 1, children: 1, cardId: cards[1].CardId),
            Events.Use(area, area, "2026-03-03T10:00:00Z", adults: 1, cardId: cards[2].CardId));
        return area;
    }

    private static SiteClient? Caller(string kind, string area) => kind switch
    {
        "anonymous" => null,
        "national-admin" => Callers.NationalAdmin,
        "national-statistics" => Callers.NationalStatistics,
        "area-statistics" => Callers.Statistics(area),
        "area-coordinator" => Callers.Coordinator(area),
        "other-area-statistics" => Callers.Statistics(Events.NewAreaCode()),
        "other-area-coordinator" => Callers.Coordinator(Events.NewAreaCode()),
        "area-distributor" => Callers.Distributor(area),
        "venue" => Callers.Venue(area),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static SummaryFigures SummaryOf(JsonElement summary) => new(
        summary.Count("cardsIssued"), summary.Count("activeCards"), summary.Count("cardsTakenIntoUse"), summary.Count("uses"), summary.Count("adultUses"),
        summary.Count("childUses"), summary.Suppressed());

    private static (int?, int?, int?, int?, bool) UsesFigures(JsonElement row) =>
        (row.Count("uses"), row.Count("adultUses"), row.Count("childUses"), row.Count("assistants"), row.Suppressed());

    private sealed record SummaryFigures(int? CardsIssued, int? ActiveCards, int? CardsTakenIntoUse, int? Uses, int? AdultUses, int? ChildUses, bool Suppressed);
}
