using System.Text.RegularExpressions;
using Kaikukortti.ServiceDefaults;

namespace Kaikukortti.Venues.Domain;

/// <summary>A Kaikukortti area: one or more municipalities (often a welfare region) that run the scheme together.</summary>
public sealed partial record Area(string Code, LocalizedName Name, IReadOnlyList<string> Municipalities, string? WelfareRegion, DateTimeOffset RegisteredAt)
{
    public const int MaxMunicipalities = 100;
    public const int MaxMunicipalityLength = 100;

    public static Result<Area> Register(string? code, LocalizedName name, IReadOnlyList<string>? municipalities, string? welfareRegion, DateTimeOffset now)
    {
        code = NormalizeCode(code);
        if (code is null || !CodePattern().IsMatch(code)) return new DomainError("area-code-invalid", code);

        var names = (municipalities ?? []).Select(m => m?.Trim()).ToList();
        if (names.Count == 0) return new DomainError("area-municipalities-required");
        if (names.Count > MaxMunicipalities) return new DomainError("area-too-many-municipalities", MaxMunicipalities);
        if (names.Any(m => string.IsNullOrEmpty(m) || m.Length > MaxMunicipalityLength))
            return new DomainError("municipality-invalid", MaxMunicipalityLength);
        var duplicate = names.GroupBy(m => m!, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) return new DomainError("municipality-duplicate", duplicate.Key);

        welfareRegion = string.IsNullOrWhiteSpace(welfareRegion) ? null : welfareRegion.Trim();
        if (welfareRegion?.Length > LocalizedName.MaxLength) return new DomainError("name-too-long", LocalizedName.MaxLength);

        return new Area(code, name, names!, welfareRegion, now);
    }

    public static string? NormalizeCode(string? code) => code?.Trim().ToLowerInvariant();

    // Lowercase letters, digits and hyphens, e.g. "seinajoki" or "pohjois-karjala".
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")]
    private static partial Regex CodePattern();
}
