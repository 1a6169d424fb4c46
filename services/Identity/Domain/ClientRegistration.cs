using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Auth;

namespace Kaikukortti.Identity.Domain;

/// <summary>What the registry knows about the places a client could be scoped to.</summary>
public interface IScopeFacts
{
    bool AreaExists(string areaCode);
    string? AreaOfVenue(Guid venueId);
    string? AreaOfDistributor(Guid distributorId);
}

/// <summary>A request for a new site client, before it is checked.</summary>
public sealed record ClientRequest(string? Name, string? Role, string? AreaCode, Guid? DistributorId, IReadOnlyList<Guid>? VenueIds);

/// <summary>
/// The rules for creating a site client: each role has its own scope shape, the scope must exist, and an area
/// coordinator may only create distributor, venue, partner and statistics clients inside its own area.
/// </summary>
public static class ClientRegistration
{
    public const int MaxNameLength = 200;
    public const int MaxVenues = 500;

    private static readonly string[] RolesACoordinatorMayCreate = [Roles.Distributor, Roles.Venue, Roles.Partner, Roles.Statistics];

    /// <returns>The client's scope as it will be stored, or the broken rule; <c>forbidden</c> errors are 403s.</returns>
    public static Result<SiteClient> Check(ClientRequest request, SiteClient creator, IScopeFacts facts, string newClientId)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) return new DomainError("client-name-required");
        if (name.Length > MaxNameLength) return new DomainError("name-too-long", MaxNameLength);
        if (request.Role is not { } role || !Roles.All.Contains(role)) return new DomainError("client-role-invalid", request.Role);

        var venues = (request.VenueIds ?? []).Distinct().ToList();
        var scope = role switch
        {
            Roles.NationalAdmin => NoScope(request, venues),
            Roles.AreaCoordinator => AreaScope(request, venues, facts, required: true),
            Roles.Statistics => AreaScope(request, venues, facts, required: false),
            Roles.Distributor => DistributorScope(request, venues, facts),
            Roles.Venue or Roles.Partner => VenueScope(request, role, venues, facts),
            _ => new DomainError("client-role-invalid", role),
        };
        if (scope.Error is { } scopeError) return scopeError;
        var (areaCode, distributorId, venueIds) = scope.Value!;

        if (!creator.IsNationalAdmin)
        {
            if (!RolesACoordinatorMayCreate.Contains(role)) return new DomainError("client-role-not-allowed", role);
            if (areaCode != creator.AreaCode) return new DomainError("client-scope-outside-area", creator.AreaCode);
        }
        return new SiteClient(newClientId, role, areaCode, distributorId, venueIds);
    }

    /// <summary>Whether <paramref name="actor"/> may see and revoke <paramref name="client"/>.</summary>
    public static bool Manages(SiteClient actor, SiteClient client) =>
        actor.IsNationalAdmin || (actor.Role == Roles.AreaCoordinator && client.AreaCode == actor.AreaCode && RolesACoordinatorMayCreate.Contains(client.Role));

    private static Result<Scope> NoScope(ClientRequest request, List<Guid> venues) =>
        request.AreaCode is null && request.DistributorId is null && venues.Count == 0
            ? new Scope(null, null, [])
            : new DomainError("client-scope-invalid", Roles.NationalAdmin);

    private static Result<Scope> AreaScope(ClientRequest request, List<Guid> venues, IScopeFacts facts, bool required)
    {
        if (request.DistributorId is not null || venues.Count > 0) return new DomainError("client-scope-invalid", request.Role);
        var area = request.AreaCode?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(area)) return required ? new DomainError("client-area-required", request.Role) : new Scope(null, null, []);
        return facts.AreaExists(area) ? new Scope(area, null, []) : new DomainError("area-unknown", area);
    }

    private static Result<Scope> DistributorScope(ClientRequest request, List<Guid> venues, IScopeFacts facts)
    {
        if (venues.Count > 0) return new DomainError("client-scope-invalid", Roles.Distributor);
        if (request.DistributorId is not { } distributor) return new DomainError("client-distributor-required");
        if (facts.AreaOfDistributor(distributor) is not { } area) return new DomainError("distributor-unknown", distributor);
        return AreaMatches(request, area) ? new Scope(area, distributor, []) : new DomainError("client-area-mismatch", area);
    }

    private static Result<Scope> VenueScope(ClientRequest request, string role, List<Guid> venues, IScopeFacts facts)
    {
        if (request.DistributorId is not null) return new DomainError("client-scope-invalid", role);
        if (venues.Count == 0 || (role == Roles.Venue && venues.Count != 1)) return new DomainError("client-venues-invalid", role, MaxVenues);
        if (venues.Count > MaxVenues) return new DomainError("client-venues-invalid", role, MaxVenues);
        var areas = new HashSet<string>();
        foreach (var venue in venues)
        {
            if (facts.AreaOfVenue(venue) is not { } area) return new DomainError("venue-unknown", venue);
            areas.Add(area);
        }
        // A partner serving venues in several areas belongs to none of them: only a national admin can create it.
        var areaCode = areas.Count == 1 ? areas.Single() : null;
        return areaCode is null || AreaMatches(request, areaCode) ? new Scope(areaCode, null, venues) : new DomainError("client-area-mismatch", areaCode);
    }

    // The area follows from the distributor or venues; one given as well must agree with it.
    private static bool AreaMatches(ClientRequest request, string area) =>
        request.AreaCode is null || request.AreaCode.Trim().Equals(area, StringComparison.OrdinalIgnoreCase);

    private sealed record Scope(string? AreaCode, Guid? DistributorId, IReadOnlyList<Guid> VenueIds);
}
