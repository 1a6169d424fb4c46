using Kaikukortti.Redemptions.Domain;
using static Kaikukortti.Redemptions.Tests.RedemptionsService;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// A use imported from the earlier register's history may be of any age; every other rule holds as at the ticket desk.
/// Plain functions; now is Thursday 12 March 2026, noon in Helsinki.
/// </summary>
public sealed class ImportedUseRulesTests
{
    private static readonly DateTimeOffset Now = At("2026-03-12T10:00:00Z");
    private static readonly Guid VenueId = Guid.NewGuid();
    private static readonly VenueReplica Venue = new(VenueId, "seinajoki", "culture", AcceptsOtherAreas: true, Active: true);

    /// <summary>A card of 2023: issued 1 March 2023, valid through 1 March 2024.</summary>
    private static CardReplica Card(string area = "seinajoki", DateTimeOffset? closedAt = null) =>
        new(Guid.NewGuid(), "123456789015", "personal", area, Guid.NewGuid(), Date("2023-03-01"), Date("2024-03-01"), 2, null, closedAt);

    private static UseRequest Request(int adults = 1, int children = 0, Guid? offeringId = null) => new("123456789015", VenueId, offeringId, adults, children, 0, null);

    private static string? Imported(DateTimeOffset occurredAt, CardReplica? card = null, UseRequest? request = null, VenueReplica? venue = null, OfferingReplica? offering = null) =>
        UseRules.Refusal(request ?? Request(), occurredAt, Now, card ?? Card(), venue ?? Venue, offering, imported: true)?.Code;

    [Fact]
    public void An_imported_use_three_years_old_is_accepted_where_a_desks_use_would_be_too_late()
    {
        var threeYearsAgo = At("2023-03-12T10:00:00Z");

        Imported(threeYearsAgo).ShouldBeNull();
        UseRules.Refusal(Request(), threeYearsAgo, Now, Card(), Venue, null, imported: false)!.Code.ShouldBe("too-late");
        UseRules.Refusal(Request(), threeYearsAgo, Now, Card(), Venue, null)!.Code.ShouldBe("too-late");
    }

    [Fact]
    public void An_imported_use_is_still_never_ahead_of_the_clock()
    {
        var card = Card() with { ValidUntil = Date("2027-03-01") };

        Imported(Now.AddMinutes(5), card).ShouldBeNull();
        Imported(Now.AddMinutes(5).AddTicks(1), card).ShouldBe("occurred-in-future");
    }

    [Fact]
    public void An_imported_use_falls_within_the_days_its_card_was_valid_in_Helsinki()
    {
        // Winter: Helsinki midnight is 22:00 UTC. 1 March 2023 is the first day, 1 March 2024 the last.
        Imported(At("2023-02-28T21:59:59Z")).ShouldBe("card-unknown");
        Imported(At("2023-02-28T22:00:00Z")).ShouldBeNull();
        Imported(At("2024-03-01T21:59:59Z")).ShouldBeNull();
        Imported(At("2024-03-01T22:00:00Z")).ShouldBe("card-expired");
        UseRules.Refusal(Request(), At("2023-06-01T10:00:00Z"), Now, null, Venue, null, imported: true)!.Code.ShouldBe("card-unknown");
    }

    [Fact]
    public void An_imported_use_from_the_moment_its_card_was_closed_is_refused()
    {
        var closedAt = At("2023-09-01T12:00:00Z");

        Imported(closedAt.AddTicks(-1), Card(closedAt: closedAt)).ShouldBeNull();
        Imported(closedAt, Card(closedAt: closedAt)).ShouldBe("card-closed");
    }

    [Fact]
    public void An_imported_use_keeps_the_venues_rules_and_what_the_card_admits()
    {
        var then = At("2023-06-01T10:00:00Z");
        var course = new OfferingReplica(Guid.NewGuid(), VenueId, "course", null, null);
        var elsewhere = new OfferingReplica(Guid.NewGuid(), Guid.NewGuid(), "admission", null, null);

        Imported(then, Card(area: "vaasa"), venue: Venue with { AcceptsOtherAreas = false }).ShouldBe("other-area-not-accepted");
        Imported(then, venue: Venue with { Active = false }).ShouldBe("venue-inactive");
        Imported(then, request: Request(offeringId: elsewhere.Id), offering: elsewhere).ShouldBe("offering-unknown");
        Imported(then, request: Request(children: 3)).ShouldBe("too-many-children");
        Imported(then, request: Request(adults: 2)).ShouldBe("adults-not-covered");
        Imported(then, request: Request(children: 1, offeringId: course.Id), offering: course).ShouldBe("children-not-covered");
        Imported(then, request: Request(children: 2)).ShouldBeNull();
    }
}
