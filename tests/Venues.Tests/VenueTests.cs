using Kaikukortti.Venues.Domain;

namespace Kaikukortti.Venues.Tests;

/// <summary>Venue and offering rules and catalogue search folding, without I/O.</summary>
public sealed class VenueTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly LocalizedName Theatre = new("Seinäjoen kaupunginteatteri", "Seinäjoki stadsteater", "Seinäjoki City Theatre");
    private static readonly string[] Municipalities = ["Seinäjoki", "Lapua", "Ähtäri"];

    private static Kaikukortti.ServiceDefaults.Result<VenueDetails> Describe(
        string? category = "culture", string? municipality = "Seinäjoki", string? address = null, string? accessibility = null, bool? acceptsOtherAreas = null, string? email = null) =>
        VenueDetails.Describe(Theatre, category, municipality, address, accessibility, acceptsOtherAreas, email, Municipalities);

    [Fact]
    public void A_venue_takes_the_areas_spelling_of_its_municipality_and_accepts_other_areas_by_default()
    {
        var details = Describe(municipality: "ahtari", address: "  Alvar Aallon katu 12 ", email: "lipunmyynti@example.fi").Value!;

        details.Municipality.ShouldBe("Ähtäri");
        details.Address.ShouldBe("Alvar Aallon katu 12");
        details.AcceptsOtherAreas.ShouldBeTrue();
        Venue.Register(Guid.NewGuid(), "seinajoki", details, Now).Active.ShouldBeTrue();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("music")]
    [InlineData("Culture")]
    public void A_category_outside_the_four_is_refused(string? category) =>
        Describe(category: category).Error!.Code.ShouldBe("venue-category-invalid");

    [Theory]
    [InlineData(null)]
    [InlineData("Oulu")]
    public void The_municipality_must_be_one_of_the_areas(string? municipality) =>
        Describe(municipality: municipality).Error!.Code.ShouldBe("venue-municipality-not-in-area");

    [Theory]
    [InlineData("not an address")]
    [InlineData("a@b@c")]
    [InlineData("Name <a@b.fi>")]
    public void A_contact_email_must_be_a_plain_address(string email) =>
        Describe(email: email).Error!.Code.ShouldBe("contact-email-invalid");

    [Fact]
    public void Overlong_free_text_is_refused()
    {
        Describe(address: new string('x', VenueDetails.MaxAddressLength + 1)).Error!.Code.ShouldBe("text-too-long");
        Describe(accessibility: new string('x', VenueDetails.MaxAccessibilityLength + 1)).Error!.Code.ShouldBe("text-too-long");
    }

    [Fact]
    public void A_change_that_changes_nothing_is_no_change()
    {
        var venue = Venue.Register(Guid.NewGuid(), "seinajoki", Describe().Value!, Now);

        venue.Change(Describe().Value!, Now.AddHours(1)).ShouldBeNull();
        venue.Change(Describe(acceptsOtherAreas: false).Value!, Now.AddHours(1))!.ChangedAt.ShouldBe(Now.AddHours(1));
        venue.SetActive(true, Now).ShouldBeNull();
        venue.SetActive(false, Now)!.Active.ShouldBeFalse();
    }

    [Theory]
    [InlineData("Seinäjoki", "seinajoki")]
    [InlineData("  ÄHTÄRI  ", "ahtari")]
    [InlineData("Åbo Akademi", "abo akademi")]
    [InlineData("Café Crème", "cafe creme")]
    [InlineData(null, "")]
    public void Search_text_ignores_case_and_accents(string? text, string folded) => SearchText.Fold(text).ShouldBe(folded);

    [Fact]
    public void A_venue_is_found_by_its_name_in_any_language_and_its_municipality()
    {
        var search = Venue.Register(Guid.NewGuid(), "seinajoki", Describe().Value!, Now).SearchText;

        search.ShouldContain("seinajoen kaupunginteatteri");
        search.ShouldContain("stadsteater");
        search.ShouldContain("city theatre");
    }
}

public sealed class OfferingTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 18, 0, 0, TimeSpan.FromHours(2));

    private static Kaikukortti.ServiceDefaults.Result<OfferingDetails> Describe(
        string? title = "Joulukonsertti", string? kind = "admission", int? tickets = null, string? per = null, bool hasQuota = false,
        DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null) =>
        OfferingDetails.Describe(title, kind, tickets, per, hasQuota, startsAt, endsAt);

    [Fact]
    public void An_offering_may_have_a_quota_and_a_time_span()
    {
        var details = Describe(tickets: 10, per: "event", hasQuota: true, startsAt: Start, endsAt: Start.AddHours(2)).Value!;

        details.Quota.ShouldBe(new Quota(10, "event"));
        Describe().Value!.Quota.ShouldBeNull();
    }

    [Theory]
    [InlineData(null, "offering-title-required")]
    [InlineData(" ", "offering-title-required")]
    public void An_offering_needs_a_title(string? title, string code) => Describe(title: title).Error!.Code.ShouldBe(code);

    [Theory]
    [InlineData(null)]
    [InlineData("ticket")]
    public void The_kind_is_admission_course_or_season_pass(string? kind) => Describe(kind: kind).Error!.Code.ShouldBe("offering-kind-invalid");

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(null)]
    public void A_quota_is_at_least_one_ticket(int? tickets) =>
        Describe(tickets: tickets, per: "day", hasQuota: true).Error!.Code.ShouldBe("quota-tickets-invalid");

    [Theory]
    [InlineData(null)]
    [InlineData("year")]
    public void A_quota_is_per_event_day_week_or_month(string? per) =>
        Describe(tickets: 5, per: per, hasQuota: true).Error!.Code.ShouldBe("quota-period-invalid");

    [Fact]
    public void An_offering_cannot_end_before_it_starts() =>
        Describe(startsAt: Start, endsAt: Start.AddMinutes(-1)).Error!.Code.ShouldBe("offering-ends-before-start");

    [Fact]
    public void The_same_moment_in_another_offset_is_no_change()
    {
        var offering = Offering.Publish(Guid.NewGuid(), Guid.NewGuid(), Describe(startsAt: Start).Value!, Start);

        offering.Change(Describe(startsAt: Start.ToUniversalTime()).Value!, Start.AddDays(1)).ShouldBeNull();
    }
}
