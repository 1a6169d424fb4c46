using System.Security.Cryptography;
using Kaikukortti.Contracts.Cards;

namespace Kaikukortti.Cards.Domain;

/// <summary>
/// New card numbers: 11 digits from the operating system's cryptographically secure generator and a Luhn check digit,
/// so numbers can be neither guessed nor enumerated. The first digit is never 0, so a spreadsheet never drops it.
/// Uniqueness is the database's to guarantee: a number already given out is drawn again.
/// </summary>
public class CardNumberGenerator
{
    public virtual string Next()
    {
        Span<char> digits = stackalloc char[CardNumber.Length];
        digits[0] = (char)('1' + RandomNumberGenerator.GetInt32(9));
        for (var i = 1; i < CardNumber.Length - 1; i++) digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        digits[^1] = (char)('0' + CardNumber.CheckDigit(digits[..^1]));
        return new string(digits);
    }
}
