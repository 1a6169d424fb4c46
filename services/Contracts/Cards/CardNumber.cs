namespace Kaikukortti.Contracts.Cards;

/// <summary>
/// The card number as every service reads it (DESIGN §5): 12 digits, the last a Luhn check digit. People type it with
/// spaces or hyphens ("1234 5678 9012"); services keep and send the bare digits.
/// </summary>
public static class CardNumber
{
    public const int Length = 12;

    public enum Reading
    {
        Valid,
        /// <summary>Not 12 digits once spaces and hyphens are removed.</summary>
        Malformed,
        /// <summary>12 digits whose check digit does not match: a typing error, not an unknown card.</summary>
        Mistyped,
    }

    public static Reading TryRead(string? input, out string digits)
    {
        digits = new string((input ?? "").Where(c => c is not (' ' or '-')).ToArray());
        if (digits.Length != Length || !digits.All(char.IsAsciiDigit)) return Reading.Malformed;
        return CheckDigit(digits.AsSpan(0, Length - 1)) == digits[^1] - '0' ? Reading.Valid : Reading.Mistyped;
    }

    /// <summary>The Luhn check digit of <paramref name="payload"/>, the digits before it.</summary>
    public static int CheckDigit(ReadOnlySpan<char> payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            // Doubling starts from the digit next to the check digit and takes every second one from there.
            var digit = payload[payload.Length - 1 - i] - '0';
            if (i % 2 == 0) digit = digit * 2 is var doubled && doubled > 9 ? doubled - 9 : doubled;
            sum += digit;
        }
        return (10 - sum % 10) % 10;
    }

    /// <summary>"123456789012" as people read it: "1234 5678 9012".</summary>
    public static string Display(string digits) => $"{digits[..4]} {digits[4..8]} {digits[8..]}";
}
