using System.Security.Claims;
using Kaikukortti.Identity.Data;
using Kaikukortti.Identity.Domain;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Kaikukortti.Identity.Api;

/// <summary>
/// Site-client management. Who may do what: a national admin manages every client; an area coordinator creates,
/// lists and revokes distributor, venue, partner and statistics clients of its own area; nobody else manages clients.
/// A client outside the caller's reach is answered as not found: its existence is not the caller's business.
/// </summary>
public static class ClientsApi
{
    private static readonly HashSet<string> ForbiddenCodes = ["client-role-not-allowed", "client-scope-outside-area"];

    public static RouteGroupBuilder MapClientsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/clients").WithTags("Clients").RequireAuthorization(AuthExtensions.SiteClientPolicy);

        group.MapPost("/", CreateClient)
            .WithName("CreateClient")
            .WithSummary("Create a site client")
            .WithDescription("""
                Creates a client for a site and returns its secret — shown this once only, store it safely.
                Scope by role: `area-coordinator` needs `areaCode`; `distributor` needs `distributorId`; `venue` needs exactly one
                entry in `venueIds`; `partner` one or more; `statistics` takes an optional `areaCode` (national without it);
                `national-admin` takes none. The area of a distributor or venue client follows from it.
                """)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", ListClients)
            .WithName("ListClients")
            .WithSummary("List site clients")
            .WithDescription("Every client for a national admin (optionally `?area=`); an area coordinator sees the clients it manages in its area.")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapDelete("/{clientId}", RevokeClient)
            .WithName("RevokeClient")
            .WithSummary("Revoke a site client")
            .WithDescription("The client gets no new tokens from now on, and the gateway refuses its current ones within seconds.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    public static async Task<Results<Created<CreatedClientResponse>, ProblemHttpResult>> CreateClient(
        CreateClientRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Manager(user) is not { } actor) return ApiProblem.Forbidden();
        var venueIds = request.VenueIds ?? [];
        var facts = await ClientStore.ScopeFactsAsync(dataSource, request.AreaCode, request.DistributorId, venueIds, cancellationToken);
        var checkedClient = ClientRegistration.Check(
            new ClientRequest(request.Name, request.Role, request.AreaCode, request.DistributorId, venueIds), actor, facts, ClientSecrets.NewClientId(request.Role));
        if (checkedClient.Error is { } error)
            return error.ToProblem(ForbiddenCodes.Contains(error.Code) ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest);

        var secret = ClientSecrets.NewSecret();
        var record = new ClientRecord(checkedClient.Value!, request.Name!.Trim(), ClientSecrets.Hash(secret), actor.ClientId, clock.GetUtcNow(), null);
        await ClientStore.InsertAsync(dataSource, record, cancellationToken);
        return TypedResults.Created($"/api/clients/{record.Client.ClientId}", CreatedClientResponse.From(record, secret));
    }

    public static async Task<Results<Ok<IReadOnlyList<ClientResponse>>, ProblemHttpResult>> ListClients(
        string? area, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (Manager(user) is not { } actor) return ApiProblem.Forbidden();
        var areaCode = actor.IsNationalAdmin ? AreaCodes.Read(area) : actor.AreaCode;
        var clients = await ClientStore.ListAsync(dataSource, areaCode, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ClientResponse>>(
            clients.Where(c => ClientRegistration.Manages(actor, c.Client)).Select(ClientResponse.From).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeClient(
        string clientId, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Manager(user) is not { } actor) return ApiProblem.Forbidden();
        var record = await ClientStore.FindAsync(dataSource, clientId, cancellationToken);
        if (record is null || !ClientRegistration.Manages(actor, record.Client)) return ApiProblem.NotFound("client-not-found", clientId);
        if (record.Client.ClientId == actor.ClientId) return ApiProblem.Conflict("client-revoke-self");
        await ClientStore.RevokeAsync(dataSource, clientId, clock.GetUtcNow(), cancellationToken);
        return TypedResults.NoContent();
    }

    private static SiteClient? Manager(ClaimsPrincipal user) =>
        SiteClient.From(user) is { Role: Roles.NationalAdmin or Roles.AreaCoordinator } actor ? actor : null;
}

public sealed record CreateClientRequest(string? Name, string? Role, string? AreaCode, Guid? DistributorId, IReadOnlyList<Guid>? VenueIds);

public sealed record ClientResponse(
    string ClientId, string Name, string Role, string? AreaCode, Guid? DistributorId, IReadOnlyList<Guid> VenueIds,
    string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ClientResponse From(ClientRecord record) => new(
        record.Client.ClientId, record.Name, record.Client.Role, record.Client.AreaCode, record.Client.DistributorId, record.Client.VenueIds,
        record.CreatedBy, record.CreatedAt, record.RevokedAt);
}

/// <summary>The only response that ever carries the client's secret.</summary>
public sealed record CreatedClientResponse(
    string ClientId, string ClientSecret, string Name, string Role, string? AreaCode, Guid? DistributorId, IReadOnlyList<Guid> VenueIds, DateTimeOffset CreatedAt)
{
    public static CreatedClientResponse From(ClientRecord record, string secret) => new(
        record.Client.ClientId, secret, record.Name, record.Client.Role, record.Client.AreaCode, record.Client.DistributorId, record.Client.VenueIds, record.CreatedAt);
}
