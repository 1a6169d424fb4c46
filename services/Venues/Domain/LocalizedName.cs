using Kaikukortti.ServiceDefaults;

namespace Kaikukortti.Venues.Domain;

/// <summary>A name shown to people: Finnish required, Swedish and English optional.</summary>
public sealed record LocalizedName(string Fi, string? Sv, string? En)
{
    public const int MaxLength = 200;

    public static Result<LocalizedName> From(string? fi, string? sv, string? en, string subject)
    {
        fi = fi?.Trim();
        if (string.IsNullOrEmpty(fi)) return new DomainError($"{subject}-name-required");
        sv = Blank(sv);
        en = Blank(en);
        if (new[] { fi, sv, en }.Any(n => n?.Length > MaxLength)) return new DomainError("name-too-long", MaxLength);
        return new LocalizedName(fi, sv, en);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
