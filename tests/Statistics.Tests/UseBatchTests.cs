using System.Text.Json;
using Dapper;
using Kaikukortti.Contracts.Redemptions;
using Kaikukortti.Statistics.Messaging;
using Kaikukortti.TestSupport;
using static Kaikukortti.Statistics.Tests.Figures;

namespace Kaikukortti.Statistics.Tests;

/// <summary>
/// Use events applied many at a time, as the inbox hands them over: each batch is summed and every counter written once,
/// with the same figures as one event at a time. The batches are handed to the handlers directly, each in a transaction
/// of its own, so that what is in a batch is up to the test rather than to the broker's timing.
/// </summary>
public sealed class UseBatchTests : IClassFixture<StatisticsService>
{
    private static readonly Kaikukortti.ServiceDefaults.Auth.SiteClient Admin = Callers.NationalAdmin;
    private static readonly Totals None = new(0, 0, 0, 0, 0, 0, 0, 0);
    private readonly StatisticsService service;

    public UseBatchTests(StatisticsService service)
    {
        this.service = service;
        service.Clock.Now = StatisticsService.Noon;
    }

    [Fact]
    public async Task Several_uses_of_one_card_at_one_venue_in_one_month_are_counted_in_full_and_take_the_card_into_use_once()
    {
        var (home, venue) = await TwoAreasAsync();
        var (card, venueId) = (Guid.NewGuid(), Guid.NewGuid());

        await RecordAsync(
            Events.Use(home, venue, "2026-03-02T10:00:00Z", adults: 1, cardId: card, venueId: venueId),
            Events.Use(home, venue, "2026-03-09T10:00:00Z", adults: 2, children: 1, assistants: 1, cardId: card, venueId: venueId),
            Events.Use(home, venue, "2026-03-30T10:00:00Z", adults: 1, children: 2, cardId: card, venueId: venueId),
            Events.Use(home, venue, "2026-03-09T12:00:00Z", adults: 1, venueId: venueId));

        (await TotalsAsync(home, venue)).ShouldBe(new Totals(Uses: 8, AdultUses: 5, ChildUses: 3, AtVenues: 8, Assistants: 1, FromHome: 8, Flow: 8, CardsTakenIntoUse: 2));
        (await SummaryAsync(home)).Count("cardsTakenIntoUse").ShouldBe(2, "all time");
    }

    [Fact]
    public async Task A_batch_cancelling_every_use_brings_every_figure_back_and_takes_the_card_out_of_use()
    {
        var (home, venue) = await TwoAreasAsync();
        var card = Guid.NewGuid();
        UseRecorded[] uses =
        [
            Events.Use(home, venue, "2026-03-02T10:00:00Z", adults: 1, cardId: card),
            Events.Use(home, venue, "2026-03-09T10:00:00Z", adults: 2, children: 1, assistants: 1, cardId: card),
            Events.Use(home, venue, "2026-04-01T10:00:00Z", adults: 1, children: 2, cardId: card),
            Events.Use(home, venue, "2026-04-01T10:00:00Z", children: 1, category: "sport"),
        ];
        await RecordAsync(uses);
        (await TotalsAsync(home, venue)).ShouldBe(new Totals(9, 5, 4, 9, 1, 9, 9, 2));

        await CancelAsync(uses);

        (await TotalsAsync(home, venue)).ShouldBe(None);
        (await SummaryAsync(home)).Count("cardsTakenIntoUse").ShouldBe(0, "all time");
    }

    [Fact]
    public async Task A_card_stays_in_use_until_a_batch_cancels_its_last_use()
    {
        var (home, venue) = await TwoAreasAsync();
        var card = Guid.NewGuid();
        var (first, second, third) = (Events.Use(home, venue, "2026-03-02T10:00:00Z", cardId: card),
            Events.Use(home, venue, "2026-03-03T10:00:00Z", adults: 2, cardId: card), Events.Use(home, venue, "2026-05-03T10:00:00Z", cardId: card));
        await RecordAsync(first, second, third);

        await CancelAsync(first, third);
        (await TotalsAsync(home, venue)).ShouldBe(new Totals(2, 2, 0, 2, 0, 2, 2, 1));

        await CancelAsync(second);
        (await TotalsAsync(home, venue)).ShouldBe(None);
    }

    [Fact]
    public async Task A_use_cancelled_in_an_earlier_batch_is_skipped_by_the_batch_that_records_it()
    {
        var (home, venue) = await TwoAreasAsync();
        var cancelledFirst = Events.Use(home, venue, "2026-03-02T10:00:00Z", adults: 2, children: 1, assistants: 1);
        var kept = Events.Use(home, venue, "2026-03-02T11:00:00Z", adults: 1);
        await CancelAsync(cancelledFirst);

        await RecordAsync(cancelledFirst, kept);

        (await TotalsAsync(home, venue)).ShouldBe(new Totals(1, 1, 0, 1, 0, 1, 1, 1), "only the card of the use kept is taken into use");

        await RecordAsync(cancelledFirst);
        await CancelAsync(cancelledFirst);
        (await TotalsAsync(home, venue)).ShouldBe(new Totals(1, 1, 0, 1, 0, 1, 1, 1), "announced again, the use is still cancelled once and for all");
    }

    [Fact]
    public async Task A_use_twice_in_a_batch_is_counted_once_and_taken_off_once()
    {
        var (home, venue) = await TwoAreasAsync();
        var card = Guid.NewGuid();
        var twice = Events.Use(home, venue, "2026-03-02T10:00:00Z", adults: 2, children: 1, assistants: 1, cardId: card);
        var other = Events.Use(home, venue, "2026-03-05T10:00:00Z", adults: 1, cardId: card);

        await RecordAsync(twice, other, twice);
        (await TotalsAsync(home, venue)).ShouldBe(new Totals(4, 3, 1, 4, 1, 4, 4, 1));

        await CancelAsync(twice, twice);
        (await TotalsAsync(home, venue)).ShouldBe(new Totals(1, 1, 0, 1, 0, 1, 1, 1));
    }

    [Fact]
    public async Task A_batch_of_a_cards_uses_across_the_new_year_in_Helsinki_takes_it_into_use_in_each_year_and_once_in_all()
    {
        var (home, venue) = await TwoAreasAsync();
        var card = Guid.NewGuid();

        await RecordAsync(
            Events.Use(home, venue, "2025-12-31T21:30:00Z", cardId: card),     // 23:30 on 31 December 2025 in Helsinki
            Events.Use(home, venue, "2025-12-31T22:30:00Z", cardId: card),     // 00:30 on 1 January 2026 in Helsinki
            Events.Use(home, venue, "2026-01-02T10:00:00Z", adults: 2, cardId: card));

        (await SummaryAsync(home, 2025)).Count("cardsTakenIntoUse").ShouldBe(1);
        (await SummaryAsync(home, 2026)).Count("cardsTakenIntoUse").ShouldBe(1);
        (await SummaryAsync(home)).Count("cardsTakenIntoUse").ShouldBe(1, "all time, the card is one card");
        (await FlowsAsync(2025)).Flow(home, venue)!.Value.Count("uses").ShouldBe(1);
        (await FlowsAsync(2026)).Flow(home, venue)!.Value.Count("uses").ShouldBe(3);
        var months = await service.JsonAsync(Path("uses", ("groupBy", "month"), ("area", venue)), Admin);
        (months.Row("2025-12").Count("uses"), months.Row("2026-01").Count("uses")).ShouldBe((1, 3));
    }

    [Fact]
    public async Task Batches_recorded_and_cancelled_side_by_side_take_the_rows_they_share_in_one_order()
    {
        var (home, venue) = await TwoAreasAsync();
        var (card, first, middle, last) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        UseRecorded At(Guid venueId) => Events.Use(home, venue, "2026-03-10T10:00:00Z", cardId: card, venueId: venueId);
        UseRecorded[] toCancel = [At(last), At(middle), At(first)];
        await RecordAsync(toCancel);

        // Both batches are held at the row of the middle venue, having written what comes before it in their order: one
        // written in the order its uses came in would hold the last venue's row and wait for the first one's, and the
        // other the other way round.
        await using var connection = await service.Factory.OpenDatabaseAsync();
        await using (var blocking = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync("SELECT FROM use_totals WHERE venue_id = @middle FOR UPDATE", new { middle }, blocking);
            var batches = Task.WhenAll(RecordAsync(At(first), At(middle), At(last)), CancelAsync(toCancel));
            await Eventually.TrueAsync(async () =>
            {
                // Not in the blocking transaction, which would see pg_stat_activity as it was when first read.
                await using var watching = await service.Factory.OpenDatabaseAsync();
                return await watching.ExecuteScalarAsync<int>(
                    "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 2;
            }, TimeSpan.FromSeconds(15), "both batches to wait");
            await blocking.CommitAsync();
            await batches.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }

        (await TotalsAsync(home, venue)).ShouldBe(new Totals(3, 3, 0, 3, 0, 3, 3, 1));
    }

    /// <summary>
    /// What the statistics API shows of the uses in 2026 at venues of one area by cards of another, from each table it reads:
    /// uses, adult and child uses from use_area_months; uses at the venues and assistants from use_totals; uses by the home
    /// area from use_flow_months, the flow from use_flow_years; the home area's cards taken into use from cards_taken_into_use.
    /// </summary>
    private sealed record Totals(int? Uses, int? AdultUses, int? ChildUses, int? AtVenues, int? Assistants, int? FromHome, int? Flow, int? CardsTakenIntoUse);

    private async Task<Totals> TotalsAsync(string home, string venue)
    {
        (string, object?) from = ("from", "2026-01"), to = ("to", "2026-12");
        var summary = await SummaryAsync(venue, 2026);
        var atVenues = (await service.JsonAsync(Path("uses", ("groupBy", "venue"), ("area", venue), from, to), Admin)).GetProperty("rows").EnumerateArray().ToList();
        var fromHome = (await service.JsonAsync(Path("uses", ("groupBy", "homeArea"), ("area", venue), from, to), Admin)).FindRow(home);
        var flow = (await FlowsAsync(2026)).Flow(home, venue);
        return new Totals(summary.Count("uses"), summary.Count("adultUses"), summary.Count("childUses"),
            atVenues.Sum(r => r.Count("uses")), atVenues.Sum(r => r.Count("assistants")), fromHome?.Count("uses") ?? 0, flow?.Count("uses") ?? 0,
            (await SummaryAsync(home, 2026)).Count("cardsTakenIntoUse"));
    }

    private async Task RecordAsync(params UseRecorded[] uses) =>
        await InTransactionAsync((transaction, cancellationToken) => new UseRecordedHandler().HandleAsync(uses, transaction, cancellationToken));

    private async Task CancelAsync(params UseRecorded[] uses) =>
        await InTransactionAsync((transaction, cancellationToken) => new UseCancelledHandler().HandleAsync([.. uses.Select(Events.Cancelled)], transaction, cancellationToken));

    private async Task InTransactionAsync(Func<Npgsql.NpgsqlTransaction, CancellationToken, Task> work)
    {
        await using var connection = await service.Factory.OpenDatabaseAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await work(transaction, TestContext.Current.CancellationToken);
        await transaction.CommitAsync();
    }

    private async Task<(string Home, string Venue)> TwoAreasAsync()
    {
        var areas = await service.NewAreasAsync(2);
        return (areas[0], areas[1]);
    }

    private Task<JsonElement> SummaryAsync(string area, int? year = null) => service.JsonAsync(Path("summary", ("area", area), ("year", year)), Admin);

    private Task<JsonElement> FlowsAsync(int year) => service.JsonAsync(Path("flows", ("year", year)), Admin);
}
