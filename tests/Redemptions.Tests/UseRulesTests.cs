using Kaikukortti.Redemptions.Domain;
using static Kaikukortti.Redemptions.Tests.RedemptionsService;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// The rules of DESIGN §1 for admitting a card at a venue, as plain functions: no database, no broker. Now is Thursday
/// 12 March 2026, noon in Helsinki (UTC+2).
/// </summary>
public sealed class UseRulesTests
{
    private static readonly DateTimeOffset Now = At("2026-03-12T10:00:00Z");
    private static readonly Guid VenueId = Guid.NewGuid();
    private static readonly VenueReplica Venue = new(VenueId, "seinajoki", "culture", AcceptsOtherAreas: true, Active: true);

    private static CardReplica Personal(int children = 2, string area = "seinajoki", string issuedOn = "2026-02-01", string validUntil = "2027-02-01",
        DateTimeOffset? closedAt = null) =>
        new(Guid.NewGuid(), "123456789015", "personal", area, Guid.NewGuid(), Date(issuedOn), Date(validUntil), children, null, closedAt);

    private static CardReplica Community(int groupSize) =>
        new(Guid.NewGuid(), "123456789015", "community", "seinajoki", Guid.NewGuid(), Date("2026-02-01"), Date("2027-02-01"), 0, groupSize, null);

    private static UseRequest Request(int adults = 1, int children = 0, int assistants = 0, Guid? offeringId = null) =>
        new("123456789015", VenueId, offeringId, adults, children, assistants, null);

    private static string? Refusal(UseRequest request, CardReplica? card, DateTimeOffset? occurredAt = null, VenueReplica? venue = null, OfferingReplica? offering = null) =>
        UseRules.Refusal(request, occurredAt ?? Now, Now, card, venue ?? Venue, offering)?.Code;

    private static OfferingReplica Offering(string kind = "admission", int? tickets = null, string? per = null, Guid? venueId = null) =>
        new(Guid.NewGuid(), venueId ?? VenueId, kind, tickets, per);

    // ---- Input that cannot describe a visit ----

    [Theory]
    [InlineData(-1, 0, 0, "count-invalid")]
    [InlineData(101, 0, 0, "count-invalid")]
    [InlineData(1, -1, 0, "count-invalid")]
    [InlineData(1, 101, 0, "count-invalid")]
    [InlineData(1, 0, -1, "count-invalid")]
    [InlineData(1, 0, 101, "count-invalid")]
    [InlineData(0, 0, 0, "nobody-admitted")]
    [InlineData(0, 0, 3, "nobody-admitted")]
    [InlineData(1, 0, 0, null)]
    [InlineData(0, 1, 0, null)]
    [InlineData(100, 100, 100, null)]
    public void Counts_are_zero_to_a_hundred_and_admit_somebody(int adults, int children, int assistants, string? code) =>
        (UseRules.Malformed(Request(adults, children, assistants))?.Code).ShouldBe(code);

    [Fact]
    public void A_count_error_names_the_field()
    {
        UseRules.Malformed(Request(children: -1))!.Args.ShouldBe(new object?[] { "children", 100 });
        UseRules.Malformed(Request(assistants: 101))!.Args.ShouldBe(new object?[] { "assistants", 100 });
    }

    // ---- When ----

    [Fact]
    public void A_use_may_be_dated_up_to_five_minutes_ahead_and_fourteen_days_back()
    {
        Refusal(Request(), Personal(), Now.AddMinutes(5)).ShouldBeNull();
        Refusal(Request(), Personal(), Now.AddMinutes(5).AddTicks(1)).ShouldBe("occurred-in-future");
        Refusal(Request(), Personal(), Now.AddDays(-14)).ShouldBeNull();
        Refusal(Request(), Personal(), Now.AddDays(-14).AddTicks(-1)).ShouldBe("too-late");
    }

    // ---- The card ----

    [Fact]
    public void A_card_is_unknown_before_its_issue_day_in_Helsinki_and_while_only_its_closing_is_known()
    {
        var card = Personal(issuedOn: "2026-03-10");

        Refusal(Request(), card, At("2026-03-09T21:59:59Z")).ShouldBe("card-unknown");
        Refusal(Request(), card, At("2026-03-09T22:00:00Z")).ShouldBeNull();
        Refusal(Request(), null).ShouldBe("card-unknown");
        Refusal(Request(), card with { IssuedOn = null, ValidUntil = null, ClosedAt = Now.AddDays(-1) }).ShouldBe("card-unknown");
    }

    [Fact]
    public void A_card_is_closed_from_the_moment_of_closing()
    {
        var closedAt = At("2026-03-11T12:00:00Z");

        Refusal(Request(), Personal(closedAt: closedAt), closedAt).ShouldBe("card-closed");
        Refusal(Request(), Personal(closedAt: closedAt), closedAt.AddTicks(-1)).ShouldBeNull();
    }

    [Fact]
    public void A_card_is_valid_to_the_end_of_its_last_day_in_Helsinki()
    {
        var card = Personal(issuedOn: "2025-03-05", validUntil: "2026-03-05");

        Refusal(Request(), card, At("2026-03-05T21:59:59Z")).ShouldBeNull();
        var expired = UseRules.Refusal(Request(), At("2026-03-05T22:00:00Z"), Now, card, Venue, null)!;
        (expired.Code, expired.Args[1] as string).ShouldBe(("card-expired", "2026-03-05"));
    }

    [Fact]
    public void A_closed_card_is_told_as_closed_even_when_it_has_also_expired()
    {
        var card = Personal(issuedOn: "2025-03-01", validUntil: "2026-03-01", closedAt: At("2026-02-01T10:00:00Z"));

        Refusal(Request(), card).ShouldBe("card-closed");
    }

    // ---- The venue and its offering ----

    [Fact]
    public void A_venue_refuses_other_areas_cards_only_when_it_says_so()
    {
        var visitor = Personal(area: "vaasa");

        Refusal(Request(), visitor, venue: Venue with { AcceptsOtherAreas = false }).ShouldBe("other-area-not-accepted");
        Refusal(Request(), Personal(), venue: Venue with { AcceptsOtherAreas = false }).ShouldBeNull();
        Refusal(Request(), visitor).ShouldBeNull();
    }

    [Fact]
    public void An_inactive_venue_refuses_every_use()
    {
        Refusal(Request(), Personal(), venue: Venue with { Active = false }).ShouldBe("venue-inactive");
        Refusal(Request(), null, venue: Venue with { Active = false }).ShouldBe("venue-inactive");
    }

    [Fact]
    public void An_offering_must_be_the_venues_own()
    {
        var own = Offering();
        var elsewhere = Offering(venueId: Guid.NewGuid());

        Refusal(Request(offeringId: own.Id), Personal(), offering: own).ShouldBeNull();
        Refusal(Request(offeringId: elsewhere.Id), Personal(), offering: elsewhere).ShouldBe("offering-unknown");
        Refusal(Request(offeringId: Guid.NewGuid()), Personal()).ShouldBe("offering-unknown");
    }

    // ---- Who the card admits ----

    [Theory]
    [InlineData(1, 0, null)]
    [InlineData(1, 2, null)]
    [InlineData(1, 3, "too-many-children")]
    [InlineData(0, 1, "adults-not-covered")]
    [InlineData(2, 0, "adults-not-covered")]
    public void A_personal_card_admits_its_holder_and_up_to_its_number_of_children(int adults, int children, string? code) =>
        Refusal(Request(adults, children), Personal(children: 2)).ShouldBe(code);

    [Fact]
    public void Children_are_not_covered_on_a_course_even_when_the_card_has_them()
    {
        var course = Offering("course");

        Refusal(Request(children: 1, offeringId: course.Id), Personal(children: 2), offering: course).ShouldBe("children-not-covered");
        Refusal(Request(children: 0, assistants: 1, offeringId: course.Id), Personal(children: 2), offering: course).ShouldBeNull();
        var pass = Offering("season-pass");
        Refusal(Request(children: 2, offeringId: pass.Id), Personal(children: 2), offering: pass).ShouldBeNull();
    }

    [Theory]
    [InlineData(1, 4, null)]
    [InlineData(0, 5, null)]
    [InlineData(5, 0, null)]
    [InlineData(1, 5, "group-too-large")]
    [InlineData(3, 3, "group-too-large")]
    public void A_community_card_admits_workers_and_children_up_to_its_group_size(int adults, int children, string? code) =>
        Refusal(Request(adults, children, assistants: 4), Community(groupSize: 5)).ShouldBe(code);

    // ---- Quotas ----

    [Theory]
    // Winter (UTC+2): Helsinki midnight is 22:00 UTC.
    [InlineData("2026-03-09T21:59:59Z", "day", "2026-03-09")]
    [InlineData("2026-03-09T22:00:00Z", "day", "2026-03-10")]
    // Summer (UTC+3): Helsinki midnight is 21:00 UTC.
    [InlineData("2026-06-30T20:59:59Z", "day", "2026-06-30")]
    [InlineData("2026-06-30T21:00:00Z", "day", "2026-07-01")]
    [InlineData("2026-06-30T20:59:59Z", "month", "2026-06")]
    [InlineData("2026-06-30T21:00:00Z", "month", "2026-07")]
    [InlineData("2026-02-28T21:59:59Z", "month", "2026-02")]
    [InlineData("2026-02-28T22:00:00Z", "month", "2026-03")]
    // Weeks run Monday to Sunday; 9 March 2026 is a Monday.
    [InlineData("2026-03-08T21:59:59Z", "week", "week-2026-03-02")]
    [InlineData("2026-03-08T22:00:00Z", "week", "week-2026-03-09")]
    [InlineData("2026-03-12T10:00:00Z", "week", "week-2026-03-09")]
    [InlineData("2026-03-15T21:59:59Z", "week", "week-2026-03-09")]
    [InlineData("2026-03-15T22:00:00Z", "week", "week-2026-03-16")]
    // A week across the turn of the year belongs to its Monday.
    [InlineData("2026-01-01T10:00:00Z", "week", "week-2025-12-29")]
    [InlineData("2026-03-12T10:00:00Z", "event", "event")]
    [InlineData("2025-01-01T10:00:00Z", "event", "event")]
    public void A_use_counts_in_the_quota_period_of_its_time_in_Helsinki(string occurredAt, string per, string period) =>
        UseRules.QuotaPeriod(Offering(tickets: 10, per: per), At(occurredAt)).ShouldBe(period);

    [Fact]
    public void A_use_without_an_offering_or_of_an_offering_without_a_quota_counts_in_no_period()
    {
        UseRules.QuotaPeriod(null, Now).ShouldBeNull();
        UseRules.QuotaPeriod(Offering(), Now).ShouldBeNull();
    }

    [Fact]
    public void A_use_takes_a_ticket_per_adult_and_child_and_none_for_assistants()
    {
        var use = new Use(Guid.NewGuid(), "desk", Personal(), Venue, null, null, 1, 2, 3, Now, Now, null);

        use.Tickets.ShouldBe(3);
    }

    // ---- Cancelling ----

    [Fact]
    public void A_use_can_be_cancelled_for_24_hours_after_it_was_recorded()
    {
        var recordedAt = Now.AddDays(-3);
        var use = new Use(Guid.NewGuid(), "desk", Personal(), Venue, null, null, 1, 0, 0, OccurredAt: recordedAt.AddDays(-10), RecordedAt: recordedAt, null);

        UseRules.CancelRefusal(use, recordedAt.AddHours(24)).ShouldBeNull();
        UseRules.CancelRefusal(use, recordedAt.AddHours(24).AddTicks(1))!.Code.ShouldBe("cancel-window-passed");
    }
}
