namespace Kaikukortti.Statistics.Domain;

/// <summary>
/// What statistics know of one card, whatever order its events arrive in: it stays closed once closed, its validity
/// only grows, and it counts as issued once.
/// </summary>
public sealed record CardState(Guid Id, string AreaCode, DateOnly? IssuedOn, bool Replacement, DateOnly? ValidUntil, bool Closed)
{
    /// <summary>The day through which the card counts as active, or null when it does not count at all.</summary>
    public DateOnly? ActiveThrough => IssuedOn is not null && !Closed ? ValidUntil : null;

    public CardState Issued(DateOnly issuedOn, bool replacement, DateOnly validUntil) =>
        this with { IssuedOn = issuedOn, Replacement = replacement, ValidUntil = Later(ValidUntil, validUntil) };

    public CardState Renewed(DateOnly validUntil) => this with { ValidUntil = Later(ValidUntil, validUntil) };

    public CardState ClosedNow() => this with { Closed = true };

    private static DateOnly Later(DateOnly? known, DateOnly given) => known is { } k && k > given ? k : given;
}

/// <summary>
/// Which figures a caller sees exactly. Anyone sees public figures, where a count of 1 to 4 could point at a person and
/// is withheld (DESIGN §5); a national admin or national statistics client sees every figure, an area's coordinator
/// or statistics client those of its own area.
/// </summary>
public static class Disclosure
{
    public const int Threshold = 5;

    public static bool IsExact(ServiceDefaults.Auth.SiteClient? caller, string? areaCode) => caller switch
    {
        null => false,
        { IsNationalAdmin: true } => true,
        { Role: ServiceDefaults.Auth.Roles.Statistics, AreaCode: null } => true,
        { Role: ServiceDefaults.Auth.Roles.Statistics or ServiceDefaults.Auth.Roles.AreaCoordinator } => areaCode is not null && caller.AreaCode == areaCode,
        _ => false,
    };

    /// <summary>The count as the caller may see it: null when it is withheld. Zero points at no one and is shown.</summary>
    public static int? Show(int count, bool exact) => exact || count == 0 || count >= Threshold ? count : null;

    /// <summary>
    /// A total and the parts it is the sum of, as the caller may see them. When a part is withheld the total is too,
    /// or the part could be worked out by subtracting the others from it.
    /// </summary>
    public static (int? Total, int?[] Parts) ShowWithParts(int total, IReadOnlyList<int> parts, bool exact)
    {
        var shown = parts.Select(p => Show(p, exact)).ToArray();
        return (shown.Any(p => p is null) ? null : Show(total, exact), shown);
    }
}
