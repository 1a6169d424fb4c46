using System.Security.Claims;
using Kaikukortti.Cards.Data;
using Kaikukortti.Cards.Domain;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.ServiceDefaults.Messaging;
using Kaikukortti.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Kaikukortti.Cards.Api;

/// <summary>
/// Distributor units. The national admin or the area's coordinator registers them; every site client may list them,
/// so coordinators can create their clients and venues can tell whom to send a person to.
/// </summary>
public static class DistributorsApi
{
    public static RouteGroupBuilder MapDistributorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/distributors").WithTags("Distributors").RequireAuthorization(AuthExtensions.SiteClientPolicy);

        group.MapPost("/", RegisterDistributor)
            .WithName("RegisterDistributor")
            .WithSummary("Register a distributor unit")
            .WithDescription($"By the national admin or the area's coordinator. A unit's name is unique in its area. `unitType` is one of {string.Join(", ", UnitTypes.All)}.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListDistributors).WithName("ListDistributors").WithSummary("List distributor units, optionally of one area");
        group.MapGet("/{id:guid}", GetDistributor).WithName("GetDistributor").WithSummary("Get a distributor unit").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/deactivate", DeactivateDistributor)
            .WithName("DeactivateDistributor")
            .WithSummary("Deactivate a distributor unit")
            .WithDescription("An inactive unit issues, renews and replaces no cards; its cards stay valid until they expire and can still be closed. Idempotent.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/activate", ActivateDistributor)
            .WithName("ActivateDistributor")
            .WithSummary("Activate a distributor unit again")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Created<DistributorResponse>, ProblemHttpResult>> RegisterDistributor(
        DistributorRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var actor = SiteClient.From(user)!;
        var areaCode = AreaCodes.Read(request.AreaCode);
        if (areaCode is null) return ApiProblem.BadRequest("distributor-area-required");
        if (!actor.CoordinatesArea(areaCode)) return ApiProblem.Forbidden();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await DistributorStore.AreaExistsAsync(connection, areaCode, cancellationToken)) return ApiProblem.BadRequest("area-unknown", request.AreaCode);
        var registered = Distributor.Register(Guid.CreateVersion7(), areaCode, request.Name, request.UnitType, clock.GetUtcNow());
        if (registered.Error is { } error) return error.ToProblem();

        var distributor = registered.Value!;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await DistributorStore.InsertAsync(transaction, distributor, cancellationToken)) return ApiProblem.Conflict("distributor-name-taken", distributor.Name);
        await AuditLog.WriteAsync(connection, transaction, actor, AuditActions.DistributorRegistered, distributor.AreaCode, distributor.Id, null, distributor.RegisteredAt, cancellationToken);
        await Outbox.EnqueueAsync(transaction, new DistributorRegistered
        {
            DistributorId = distributor.Id, AreaCode = distributor.AreaCode, Name = distributor.Name, UnitType = distributor.UnitType,
            Active = distributor.Active, RegisteredAt = distributor.RegisteredAt,
        }, cancellationToken);
        await Outbox.CommitAsync(transaction, cancellationToken);
        return TypedResults.Created($"/api/distributors/{distributor.Id}", DistributorResponse.From(distributor));
    }

    public static async Task<Ok<IReadOnlyList<DistributorResponse>>> ListDistributors(string? area, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var areaCode = AreaCodes.Read(area);
        var distributors = await DistributorStore.ListAsync(connection, areaCode, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<DistributorResponse>>(distributors.Select(DistributorResponse.From).ToList());
    }

    public static async Task<Results<Ok<DistributorResponse>, ProblemHttpResult>> GetDistributor(Guid id, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await DistributorStore.FindAsync(connection, id, cancellationToken) is { } distributor
            ? TypedResults.Ok(DistributorResponse.From(distributor))
            : ApiProblem.NotFound("distributor-not-found", id);
    }

    public static Task<Results<Ok<DistributorResponse>, ProblemHttpResult>> DeactivateDistributor(
        Guid id, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken) =>
        SetActiveAsync(id, false, user, dataSource, clock, cancellationToken);

    public static Task<Results<Ok<DistributorResponse>, ProblemHttpResult>> ActivateDistributor(
        Guid id, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken) =>
        SetActiveAsync(id, true, user, dataSource, clock, cancellationToken);

    private static async Task<Results<Ok<DistributorResponse>, ProblemHttpResult>> SetActiveAsync(
        Guid id, bool active, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var actor = SiteClient.From(user)!;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await DistributorStore.FindAsync(connection, id, cancellationToken, transaction) is not { } distributor) return ApiProblem.NotFound("distributor-not-found", id);
        if (!actor.CoordinatesArea(distributor.AreaCode)) return ApiProblem.Forbidden();
        if (distributor.SetActive(active, clock.GetUtcNow()) is not { } changed) return TypedResults.Ok(DistributorResponse.From(distributor));

        await DistributorStore.UpdateAsync(transaction, changed, cancellationToken);
        await AuditLog.WriteAsync(connection, transaction, actor, active ? AuditActions.DistributorActivated : AuditActions.DistributorDeactivated,
            changed.AreaCode, changed.Id, null, changed.ChangedAt, cancellationToken);
        await Outbox.EnqueueAsync(transaction, new DistributorChanged
        {
            DistributorId = changed.Id, AreaCode = changed.AreaCode, Name = changed.Name, UnitType = changed.UnitType, Active = changed.Active, ChangedAt = changed.ChangedAt,
        }, cancellationToken);
        await Outbox.CommitAsync(transaction, cancellationToken);
        return TypedResults.Ok(DistributorResponse.From(changed));
    }
}

public sealed record DistributorRequest(string? AreaCode, string? Name, string? UnitType);

public sealed record DistributorResponse(Guid Id, string AreaCode, string Name, string UnitType, bool Active, DateTimeOffset RegisteredAt, DateTimeOffset ChangedAt)
{
    public static DistributorResponse From(Distributor d) => new(d.Id, d.AreaCode, d.Name, d.UnitType, d.Active, d.RegisteredAt, d.ChangedAt);
}
