using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Auth;

namespace Kaikukortti.Cards.Domain;

/// <summary>The kinds of social and health service units that hand out cards.</summary>
public static class UnitTypes
{
    public static readonly IReadOnlyList<string> All =
        ["adult-social-work", "mental-health", "employment", "substance-abuse", "outreach-youth", "parish-diaconal", "child-and-family", "other"];
}

/// <summary>A distributor unit: it issues cards and is responsible for them. Its area never changes.</summary>
public sealed record Distributor(Guid Id, string AreaCode, string Name, string UnitType, bool Active, DateTimeOffset RegisteredAt, DateTimeOffset ChangedAt)
{
    public const int MaxNameLength = 200;

    public static Result<Distributor> Register(Guid id, string areaCode, string? name, string? unitType, DateTimeOffset now)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name)) return new DomainError("distributor-name-required");
        if (name.Length > MaxNameLength) return new DomainError("name-too-long", MaxNameLength);
        if (unitType is null || !UnitTypes.All.Contains(unitType)) return new DomainError("unit-type-invalid", unitType);
        return new Distributor(id, areaCode, name, unitType, true, now, now);
    }

    /// <returns>The distributor in its new state, or null when it already is in it.</returns>
    public Distributor? SetActive(bool active, DateTimeOffset now) => active == Active ? null : this with { Active = active, ChangedAt = now };

    /// <summary>The unit itself, its area's coordinator and the national admin answer for its cards.</summary>
    public static bool IsManagedBy(SiteClient actor, Guid distributorId, string areaCode) =>
        actor.CoordinatesArea(areaCode) || (actor.Role == Roles.Distributor && actor.DistributorId == distributorId);
}
