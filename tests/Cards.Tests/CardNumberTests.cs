using Kaikukortti.Cards.Domain;
using Kaikukortti.Contracts.Cards;

namespace Kaikukortti.Cards.Tests;

public sealed class CardNumberTests
{
    [Theory]
    // Luhn's own example, and 12345678901 worked by hand: 2+0+9+8+5+6+1+4+6+2+2 = 45 → 5.
    [InlineData("7992739871", 3)]
    [InlineData("12345678901", 5)]
    [InlineData("00000000000", 0)]
    public void The_check_digit_is_Luhns(string payload, int checkDigit) => CardNumber.CheckDigit(payload).ShouldBe(checkDigit);

    [Theory]
    [InlineData("123456789015")]
    [InlineData("1234 5678 9015")]
    [InlineData("1234-5678-9015")]
    [InlineData(" 1234 - 5678 - 9015 ")]
    public void A_number_is_read_with_or_without_spaces_and_hyphens(string input)
    {
        CardNumber.TryRead(input, out var digits).ShouldBe(CardNumber.Reading.Valid);
        digits.ShouldBe("123456789015");
    }

    [Theory]
    [InlineData("123456789012")]
    [InlineData("213456789015")] // two digits swapped
    [InlineData("1234 5678 9017")]
    public void A_typing_error_is_told_apart_from_a_malformed_number(string input) => CardNumber.TryRead(input, out _).ShouldBe(CardNumber.Reading.Mistyped);

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("12345678901")]
    [InlineData("1234567890123")]
    [InlineData("1234 5678 901O")]
    [InlineData("1234.5678.9012")]
    [InlineData("１２３４５６７８９０１２")] // full-width digits are not ASCII digits
    public void Anything_but_twelve_digits_is_malformed(string? input) => CardNumber.TryRead(input, out _).ShouldBe(CardNumber.Reading.Malformed);

    [Fact]
    public void A_number_is_shown_in_groups_of_four() => CardNumber.Display("123456789012").ShouldBe("1234 5678 9012");

    [Fact]
    public void Generated_numbers_are_valid_random_and_never_start_with_zero()
    {
        var generator = new CardNumberGenerator();
        var numbers = Enumerable.Range(0, 10_000).Select(_ => generator.Next()).ToList();

        numbers.ShouldAllBe(n => IsValid(n) && n[0] != '0');
        numbers.Distinct().Count().ShouldBe(numbers.Count);
        // Every digit appears in every random position: no position is fixed or sequential.
        for (var position = 1; position < CardNumber.Length - 1; position++)
            numbers.Select(n => n[position]).Distinct().Count().ShouldBe(10, $"position {position}");
    }

    private static bool IsValid(string number) => CardNumber.TryRead(number, out _) == CardNumber.Reading.Valid;
}
