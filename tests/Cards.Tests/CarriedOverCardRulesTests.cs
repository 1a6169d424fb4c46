using Kaikukortti.Cards.Domain;

namespace Kaikukortti.Cards.Tests;

/// <summary>
/// A card carried over from the earlier register keeps the day that register issued it, at most twenty years back and
/// never after today; it is valid for a year from that day. Without I/O; today is 10 March 2026 in Helsinki.
/// </summary>
public sealed class CarriedOverCardRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 3, 10);
    private static readonly Distributor Unit = Distributor.Register(Guid.NewGuid(), "seinajoki", "Aikuissosiaalityö", "adult-social-work", Now).Value!;
    private static readonly CardHolder Holder = CardHolder.Describe(new HolderAnswers("personal", 1980, "60100", 2, null, null, null, null), 2023).Value!;

    private static Card CarriedOver(DateOnly issuedOn) => Card.Issue(Guid.NewGuid(), "123456789012", Unit, Holder, Now, issuedOn);

    [Theory]
    [InlineData("2026-03-10", null)] // today
    [InlineData("2026-03-11", "issued-on-invalid")] // tomorrow
    [InlineData("2006-03-10", null)] // exactly twenty years back
    [InlineData("2006-03-09", "issued-on-invalid")] // a day more
    [InlineData("2023-05-20", null)]
    public void A_carried_over_card_is_dated_today_or_up_to_twenty_years_back(string issuedOn, string? code) =>
        Card.IssueDateError(DateOnly.Parse(issuedOn, System.Globalization.CultureInfo.InvariantCulture), Today)?.Code.ShouldBe(code);

    [Fact]
    public void The_refusal_of_an_issue_date_tells_how_many_years_back_a_card_may_be_dated() =>
        Card.IssueDateError(Today.AddYears(-21), Today)!.Args.ShouldBe(new object?[] { 20 });

    [Fact]
    public void A_carried_over_card_is_valid_for_a_year_from_the_day_the_earlier_register_issued_it()
    {
        var card = CarriedOver(new DateOnly(2023, 5, 20));

        (card.IssuedOn, card.ValidUntil).ShouldBe((new DateOnly(2023, 5, 20), new DateOnly(2024, 5, 20)));
        card.ValidityOn(new DateOnly(2024, 5, 20)).ShouldBe(new CardValidity(true, null));
        card.ValidityOn(new DateOnly(2024, 5, 21)).ShouldBe(new CardValidity(false, "expired"));
        card.ValidityOn(Today).ShouldBe(new CardValidity(false, "expired"));
        // It enters this register now, whatever day it was issued.
        (card.IssuedAt, card.ChangedAt).ShouldBe((Now, Now));
    }

    [Fact]
    public void A_card_carried_over_from_a_year_ago_today_is_still_valid_today_and_one_a_day_older_is_not()
    {
        CarriedOver(Today.AddYears(-1)).ValidityOn(Today).Valid.ShouldBeTrue();
        CarriedOver(Today.AddYears(-1).AddDays(-1)).ValidityOn(Today).ShouldBe(new CardValidity(false, "expired"));
    }

    [Fact]
    public void A_card_dated_today_is_the_same_as_a_new_card()
    {
        var dated = CarriedOver(Today);
        var issued = Card.Issue(Guid.NewGuid(), "123456789012", Unit, Holder, Now);

        (dated.IssuedOn, dated.ValidUntil).ShouldBe((issued.IssuedOn, issued.ValidUntil));
        dated.ValidUntil.ShouldBe(new DateOnly(2027, 3, 10));
    }

    [Fact]
    public void A_carried_over_card_is_renewed_for_a_year_from_the_renewal_date_and_keeps_its_issue_day()
    {
        var renewed = CarriedOver(new DateOnly(2023, 5, 20)).Renew(Now).Value!;

        (renewed.IssuedOn, renewed.ValidUntil).ShouldBe((new DateOnly(2023, 5, 20), new DateOnly(2027, 3, 10)));
        renewed.ValidityOn(Today).Valid.ShouldBeTrue();
    }
}
