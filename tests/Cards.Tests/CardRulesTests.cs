using Kaikukortti.Cards.Domain;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;

namespace Kaikukortti.Cards.Tests;

/// <summary>The card rules of DESIGN §1 without I/O.</summary>
public sealed class CardRulesTests
{
    private const int Year = 2026;
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly Distributor Unit = Distributor.Register(Guid.NewGuid(), "seinajoki", "Aikuissosiaalityö", "adult-social-work", Now).Value!;

    private static HolderAnswers Person(int? birthYear = 1980, string? postalCode = "60100", int? children = 2, string? gender = null, string? ageGroup = null,
        string? lifeSituation = null, int? groupSize = null) =>
        new("personal", birthYear, postalCode, children, groupSize, gender, ageGroup, lifeSituation);

    private static Card Issued() => Card.Issue(Guid.NewGuid(), "123456789012", Unit, CardHolder.Describe(Person(), Year).Value!, Now);

    [Theory]
    [InlineData(Year - 16, null)]
    [InlineData(Year - 15, "holder-too-young")]
    [InlineData(Year - 120, null)]
    [InlineData(Year - 121, "birth-year-invalid")]
    [InlineData(Year + 1, "holder-too-young")]
    public void The_holder_turns_16_this_year_or_earlier_and_is_not_absurdly_old(int birthYear, string? code) =>
        CardHolder.Describe(Person(birthYear), Year).Error?.Code.ShouldBe(code);

    [Theory]
    [InlineData("60100", null)]
    [InlineData(" 00100 ", null)]
    [InlineData("6010", "postal-code-invalid")]
    [InlineData("601000", "postal-code-invalid")]
    [InlineData("6O100", "postal-code-invalid")]
    [InlineData("", "card-field-required")]
    [InlineData(null, "card-field-required")]
    public void The_postal_code_is_five_digits(string? postalCode, string? code) =>
        CardHolder.Describe(Person(postalCode: postalCode), Year).Error?.Code.ShouldBe(code);

    [Theory]
    [InlineData(0, null)]
    [InlineData(20, null)]
    [InlineData(21, "children-invalid")]
    [InlineData(-1, "children-invalid")]
    [InlineData(null, "card-field-required")]
    public void Children_are_counted_from_0_to_20(int? children, string? code) =>
        CardHolder.Describe(Person(children: children), Year).Error?.Code.ShouldBe(code);

    [Fact]
    public void The_voluntary_answers_come_from_fixed_lists()
    {
        CardHolder.Describe(Person(gender: "female", ageGroup: "30-64", lifeSituation: "unemployed"), Year).Error.ShouldBeNull();
        CardHolder.Describe(Person(gender: "f"), Year).Error!.Args[0].ShouldBe("gender");
        CardHolder.Describe(Person(lifeSituation: "rich"), Year).Error!.Code.ShouldBe("card-option-invalid");
        CardHolder.Describe(Person(ageGroup: "40-50"), Year).Error!.Code.ShouldBe("card-option-invalid");
    }

    [Theory]
    [InlineData(Year - 18, "18-29", null)]
    [InlineData(Year - 18, "16-17", null)] // the birthday may still be ahead
    [InlineData(Year - 30, "30-64", null)]
    [InlineData(Year - 30, "18-29", null)]
    [InlineData(Year - 40, "18-29", "age-group-mismatch")]
    [InlineData(Year - 65, "65+", null)]
    public void An_age_group_must_fit_the_birth_year(int birthYear, string ageGroup, string? code) =>
        CardHolder.Describe(Person(birthYear, ageGroup: ageGroup), Year).Error?.Code.ShouldBe(code);

    [Theory]
    [InlineData(Year - 16, "16-17")]
    [InlineData(Year - 17, "16-17")]
    [InlineData(Year - 18, "18-29")]
    [InlineData(Year - 29, "18-29")]
    [InlineData(Year - 30, "30-64")]
    [InlineData(Year - 64, "30-64")]
    [InlineData(Year - 65, "65+")]
    public void Events_know_only_an_age_band(int birthYear, string band) =>
        CardHolder.Describe(Person(birthYear), Year).Value!.AgeBandIn(Year).ShouldBe(band);

    [Fact]
    public void A_community_card_has_a_group_size_and_nothing_personal()
    {
        var community = CardHolder.Describe(new HolderAnswers("community", null, null, null, 12, null, null, null), Year).Value!;
        community.GroupSize.ShouldBe(12);
        community.AgeBandIn(Year).ShouldBeNull();

        CardHolder.Describe(new HolderAnswers("community", null, null, 0, 30, null, null, null), Year).Error.ShouldBeNull();
        CardHolder.Describe(new HolderAnswers("community", null, null, null, 31, null, null, null), Year).Error!.Code.ShouldBe("group-size-invalid");
        CardHolder.Describe(new HolderAnswers("community", null, null, null, 0, null, null, null), Year).Error!.Code.ShouldBe("group-size-invalid");
        CardHolder.Describe(new HolderAnswers("community", null, null, null, null, null, null, null), Year).Error!.Code.ShouldBe("card-field-required");
        CardHolder.Describe(new HolderAnswers("community", 1980, null, null, 5, null, null, null), Year).Error!.Args.ShouldBe(["birthYear", "community"]);
        CardHolder.Describe(new HolderAnswers("community", null, "60100", null, 5, null, null, null), Year).Error!.Args[0].ShouldBe("postalCode");
        CardHolder.Describe(new HolderAnswers("community", null, null, 2, 5, null, null, null), Year).Error!.Args[0].ShouldBe("children");
        CardHolder.Describe(new HolderAnswers("community", null, null, null, 5, "male", null, null), Year).Error!.Args[0].ShouldBe("gender");
        CardHolder.Describe(Person(groupSize: 4), Year).Error!.Args.ShouldBe(["groupSize", "personal"]);
        CardHolder.Describe(Person() with { Kind = "family" }, Year).Error!.Code.ShouldBe("card-kind-invalid");
    }

    [Fact]
    public void A_card_is_valid_for_a_year_from_its_issue_date_in_Finland()
    {
        var card = Issued();
        card.IssuedOn.ShouldBe(new DateOnly(2026, 3, 10));
        card.ValidUntil.ShouldBe(new DateOnly(2027, 3, 10));
        card.ValidityOn(new DateOnly(2027, 3, 10)).ShouldBe(new CardValidity(true, null));
        card.ValidityOn(new DateOnly(2027, 3, 11)).ShouldBe(new CardValidity(false, "expired"));

        // 22:30 UTC is already the next day in Helsinki.
        Card.Issue(Guid.NewGuid(), "123456789012", Unit, card.Holder, new DateTimeOffset(2026, 3, 10, 22, 30, 0, TimeSpan.Zero)).IssuedOn.ShouldBe(new DateOnly(2026, 3, 11));
    }

    [Fact]
    public void Renewing_gives_a_year_from_the_renewal_date_but_never_reopens_a_closed_card()
    {
        var renewed = Issued().Renew(new DateTimeOffset(2027, 5, 2, 9, 0, 0, TimeSpan.Zero)).Value!;
        renewed.ValidUntil.ShouldBe(new DateOnly(2028, 5, 2));
        renewed.ValidityOn(new DateOnly(2028, 1, 1)).Valid.ShouldBeTrue();

        var closed = Issued().Close("holder-request", Now).Value!;
        closed.ValidityOn(new DateOnly(2026, 3, 11)).ShouldBe(new CardValidity(false, "closed"));
        closed.Renew(Now).Error!.Code.ShouldBe("card-closed");
        closed.Close("other", Now).Error!.Code.ShouldBe("card-closed");
    }

    [Theory]
    [InlineData("lost", null)]
    [InlineData("stolen", null)]
    [InlineData("damaged", null)]
    [InlineData("holder-request", null)]
    [InlineData("not-eligible", null)]
    [InlineData("other", null)]
    [InlineData("expired", "close-reason-invalid")]
    [InlineData(null, "close-reason-invalid")]
    public void A_card_is_closed_for_a_known_reason(string? reason, string? code) => Issued().Close(reason, Now).Error?.Code.ShouldBe(code);

    [Fact]
    public void A_replacement_carries_the_same_answers_and_validity_under_a_new_number_and_both_point_at_each_other()
    {
        var card = Issued();
        var later = Now.AddMonths(2);
        var (closed, replacement) = card.Replace("lost", Guid.NewGuid(), "987654321098", later).Value;
        closed = closed.ReplacedWith(replacement);

        closed.CloseReason.ShouldBe("lost");
        closed.ValidityOn(FinnishTimeToday(later)).Reason.ShouldBe("closed");
        closed.ReplacedBy.ShouldBe(new CardLink(replacement.Id, "987654321098"));
        replacement.Replaces.ShouldBe(new CardLink(card.Id, card.Number));
        replacement.Holder.ShouldBe(card.Holder);
        (replacement.DistributorId, replacement.ValidUntil).ShouldBe((card.DistributorId, card.ValidUntil));
        replacement.IssuedOn.ShouldBe(FinnishTimeToday(later));

        card.Replace("holder-request", Guid.NewGuid(), "987654321098", later).Error!.Code.ShouldBe("replace-reason-invalid");
        closed.Replace("lost", Guid.NewGuid(), "987654321098", later).Error!.Code.ShouldBe("card-closed");
    }

    [Fact]
    public void A_distributors_cards_are_answered_for_by_the_unit_its_coordinator_and_the_national_admin()
    {
        Distributor.IsManagedBy(new SiteClient("d", Roles.Distributor, "seinajoki", Unit.Id, []), Unit.Id, Unit.AreaCode).ShouldBeTrue();
        Distributor.IsManagedBy(new SiteClient("d2", Roles.Distributor, "seinajoki", Guid.NewGuid(), []), Unit.Id, Unit.AreaCode).ShouldBeFalse();
        Distributor.IsManagedBy(Tokens.Coordinator("seinajoki"), Unit.Id, Unit.AreaCode).ShouldBeTrue();
        Distributor.IsManagedBy(Tokens.Coordinator("oulu"), Unit.Id, Unit.AreaCode).ShouldBeFalse();
        Distributor.IsManagedBy(Tokens.NationalAdmin, Unit.Id, Unit.AreaCode).ShouldBeTrue();
        Distributor.IsManagedBy(new SiteClient("v", Roles.Venue, "seinajoki", null, [Guid.NewGuid()]), Unit.Id, Unit.AreaCode).ShouldBeFalse();
    }

    [Theory]
    [InlineData("", "adult-social-work", "distributor-name-required")]
    [InlineData("Diakoniatyö", "diaconal", "unit-type-invalid")]
    [InlineData("Diakoniatyö", "parish-diaconal", null)]
    public void A_distributor_has_a_name_and_a_known_unit_type(string name, string unitType, string? code) =>
        Distributor.Register(Guid.NewGuid(), "seinajoki", name, unitType, Now).Error?.Code.ShouldBe(code);

    private static DateOnly FinnishTimeToday(DateTimeOffset now) => ServiceDefaults.FinnishTime.DateOf(now);
}
