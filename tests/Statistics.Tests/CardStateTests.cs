using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.Statistics.Domain;

namespace Kaikukortti.Statistics.Tests;

/// <summary>The card state and the disclosure rule on their own, without I/O.</summary>
public sealed class CardStateTests
{
    private static readonly DateOnly March = new(2026, 3, 1);
    private static readonly DateOnly NextMarch = new(2027, 3, 1);
    private static readonly DateOnly TheMarchAfter = new(2028, 3, 1);

    private static CardState Unknown() => new(Guid.NewGuid(), "seinajoki", null, false, null, false);

    [Fact]
    public void A_card_not_yet_issued_is_not_active() => Unknown().ActiveThrough.ShouldBeNull();

    [Fact]
    public void An_issued_card_is_active_through_its_last_day()
    {
        var card = Unknown().Issued(March, replacement: false, NextMarch);

        card.ActiveThrough.ShouldBe(NextMarch);
        card.Replacement.ShouldBeFalse();
    }

    [Fact]
    public void A_replacement_is_marked_as_one() => Unknown().Issued(March, replacement: true, NextMarch).Replacement.ShouldBeTrue();

    [Fact]
    public void A_renewal_alone_makes_no_active_card() => Unknown().Renewed(TheMarchAfter).ActiveThrough.ShouldBeNull();

    [Fact]
    public void A_renewal_extends_the_card() => Unknown().Issued(March, false, NextMarch).Renewed(TheMarchAfter).ActiveThrough.ShouldBe(TheMarchAfter);

    [Fact]
    public void A_renewal_before_the_issue_keeps_the_later_last_day() =>
        Unknown().Renewed(TheMarchAfter).Issued(March, false, NextMarch).ActiveThrough.ShouldBe(TheMarchAfter);

    [Fact]
    public void An_older_renewal_does_not_shorten_the_card() =>
        Unknown().Issued(March, false, NextMarch).Renewed(TheMarchAfter).Renewed(NextMarch).ActiveThrough.ShouldBe(TheMarchAfter);

    [Fact]
    public void A_closed_card_is_not_active_whatever_came_before_or_after()
    {
        Unknown().Issued(March, false, NextMarch).ClosedNow().ActiveThrough.ShouldBeNull();
        Unknown().ClosedNow().Issued(March, false, NextMarch).ActiveThrough.ShouldBeNull();
        Unknown().Issued(March, false, NextMarch).ClosedNow().Renewed(TheMarchAfter).ActiveThrough.ShouldBeNull();
    }

    [Fact]
    public void A_closed_card_is_still_one_that_was_issued() => Unknown().ClosedNow().Issued(March, false, NextMarch).IssuedOn.ShouldBe(March);

    [Fact]
    public void The_same_issue_again_changes_nothing()
    {
        var once = Unknown().Issued(March, false, NextMarch).Renewed(TheMarchAfter);

        once.Issued(March, false, NextMarch).ShouldBe(once);
    }

    [Theory]
    [InlineData(0, false, 0)]
    [InlineData(1, false, null)]
    [InlineData(4, false, null)]
    [InlineData(5, false, 5)]
    [InlineData(120, false, 120)]
    [InlineData(0, true, 0)]
    [InlineData(1, true, 1)]
    [InlineData(4, true, 4)]
    public void Counts_of_one_to_four_are_withheld_unless_exact(int count, bool exact, int? shown) => Disclosure.Show(count, exact).ShouldBe(shown);

    public static TheoryData<string, string?, bool> ExactCallers => new()
    {
        // caller, the area asked about (null: national), exact?
        { "anonymous", null, false },
        { "anonymous", "kajaani", false },
        { "national-admin", null, true },
        { "national-admin", "kajaani", true },
        { "national-statistics", null, true },
        { "national-statistics", "kajaani", true },
        { "kajaani-statistics", "kajaani", true },
        { "kajaani-statistics", "oulu", false },
        { "kajaani-statistics", null, false },
        { "kajaani-coordinator", "kajaani", true },
        { "kajaani-coordinator", "oulu", false },
        { "kajaani-coordinator", null, false },
        { "kajaani-distributor", "kajaani", false },
        { "venue", "kajaani", false },
        { "partner", null, false },
    };

    [Theory]
    [MemberData(nameof(ExactCallers))]
    public void Figures_are_exact_for_callers_scoped_to_them(string caller, string? area, bool exact)
    {
        SiteClient? client = caller switch
        {
            "anonymous" => null,
            "national-admin" => new("admin", Roles.NationalAdmin, null, null, []),
            "national-statistics" => new("stats", Roles.Statistics, null, null, []),
            "kajaani-statistics" => new("stats-kajaani", Roles.Statistics, "kajaani", null, []),
            "kajaani-coordinator" => new("coordinator-kajaani", Roles.AreaCoordinator, "kajaani", null, []),
            "kajaani-distributor" => new("distributor-kajaani", Roles.Distributor, "kajaani", Guid.NewGuid(), []),
            "venue" => new("venue", Roles.Venue, null, null, [Guid.NewGuid()]),
            "partner" => new("partner", Roles.Partner, null, null, [Guid.NewGuid()]),
            _ => throw new ArgumentOutOfRangeException(nameof(caller)),
        };

        Disclosure.IsExact(client, area).ShouldBe(exact);
    }
}
