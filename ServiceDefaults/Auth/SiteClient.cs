using System.Security.Claims;

namespace Kaikukortti.ServiceDefaults.Auth;

/// <summary>The roles of DESIGN §2. Access is per site (a distributor unit, a venue, …), never per person.</summary>
public static class Roles
{
    public const string NationalAdmin = "national-admin";
    public const string AreaCoordinator = "area-coordinator";
    public const string Distributor = "distributor";
    public const string Venue = "venue";
    public const string Partner = "partner";
    public const string Statistics = "statistics";

    public static readonly IReadOnlyList<string> All = [NationalAdmin, AreaCoordinator, Distributor, Venue, Partner, Statistics];
}

/// <summary>The claims a token carries: who the site client is and what it is scoped to.</summary>
public static class KaikuClaims
{
    public const string ClientId = "sub";
    public const string Role = "role";
    public const string Area = "area";
    public const string Distributor = "distributor";
    public const string Venue = "venue";
}

/// <summary>A site client as its token describes it, with the scope questions every service asks.</summary>
public sealed record SiteClient(string ClientId, string Role, string? AreaCode, Guid? DistributorId, IReadOnlyList<Guid> VenueIds)
{
    public bool IsNationalAdmin => Role == Roles.NationalAdmin;

    /// <summary>National admins coordinate every area; an area coordinator only its own.</summary>
    public bool CoordinatesArea(string? areaCode) =>
        IsNationalAdmin || (Role == Roles.AreaCoordinator && areaCode is not null && AreaCode == areaCode);

    /// <summary>A venue client acts for its venue, a partner for each of its venues.</summary>
    public bool ActsForVenue(Guid venueId) => Role is Roles.Venue or Roles.Partner && VenueIds.Contains(venueId);

    public static SiteClient? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        var clientId = principal.FindFirstValue(KaikuClaims.ClientId);
        var role = principal.FindFirstValue(KaikuClaims.Role);
        if (clientId is null || role is null) return null;
        return new SiteClient(
            clientId,
            role,
            principal.FindFirstValue(KaikuClaims.Area),
            Guid.TryParse(principal.FindFirstValue(KaikuClaims.Distributor), out var distributor) ? distributor : null,
            [.. principal.FindAll(KaikuClaims.Venue).Select(c => Guid.Parse(c.Value))]);
    }

    public ClaimsPrincipal ToPrincipal(string authenticationType)
    {
        List<Claim> claims = [new(KaikuClaims.ClientId, ClientId), new(KaikuClaims.Role, Role)];
        if (AreaCode is not null) claims.Add(new(KaikuClaims.Area, AreaCode));
        if (DistributorId is { } distributor) claims.Add(new(KaikuClaims.Distributor, distributor.ToString()));
        claims.AddRange(VenueIds.Select(v => new Claim(KaikuClaims.Venue, v.ToString())));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, KaikuClaims.ClientId, KaikuClaims.Role));
    }
}
