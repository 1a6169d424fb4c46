using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Messaging;
using Kaikukortti.ServiceDefaults.Problems;
using Kaikukortti.Venues.Data;
using Kaikukortti.Venues.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Kaikukortti.Venues.Api;

public static class AreasApi
{
    public static RouteGroupBuilder MapAreasApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/areas").WithTags("Areas");

        // Areas are public to read; only the national admin registers them.
        group.MapPost("/", RegisterArea)
            .RequireAuthorization(AuthExtensions.NationalAdminPolicy)
            .WithName("RegisterArea")
            .WithSummary("Register an area")
            .WithDescription("Registers a Kaikukortti area with its municipalities. The code is lowercase letters, digits and hyphens and cannot be changed later.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/", ListAreas)
            .WithName("ListAreas")
            .WithSummary("List areas")
            .WithDescription("Every registered area, ordered by code.");

        group.MapGet("/{code}", GetArea)
            .WithName("GetArea")
            .WithSummary("Get an area")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    public static async Task<Results<Created<AreaResponse>, ProblemHttpResult>> RegisterArea(
        RegisterAreaRequest request, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var name = LocalizedName.From(request.Name?.Fi, request.Name?.Sv, request.Name?.En, "area");
        if (name.Error is { } nameError) return nameError.ToProblem();
        var registered = Area.Register(request.Code, name.Value!, request.Municipalities, request.WelfareRegion, clock.GetUtcNow());
        if (registered.Error is { } error) return error.ToProblem();
        var area = registered.Value!;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await AreaStore.InsertAsync(transaction, area, cancellationToken)) return ApiProblem.Conflict("area-code-taken", area.Code);
        await Outbox.EnqueueAsync(transaction, new AreaRegistered
        {
            AreaCode = area.Code,
            Name = new Contracts.LocalizedName { Fi = area.Name.Fi, Sv = area.Name.Sv, En = area.Name.En },
            Municipalities = area.Municipalities,
            WelfareRegion = area.WelfareRegion,
            RegisteredAt = area.RegisteredAt,
        }, cancellationToken);
        await Outbox.CommitAsync(transaction, cancellationToken);

        return TypedResults.Created($"/api/areas/{area.Code}", AreaResponse.From(area));
    }

    public static async Task<Ok<IReadOnlyList<AreaResponse>>> ListAreas(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var areas = await AreaStore.ListAsync(dataSource, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AreaResponse>>(areas.Select(AreaResponse.From).ToList());
    }

    public static async Task<Results<Ok<AreaResponse>, ProblemHttpResult>> GetArea(string code, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var area = await AreaStore.FindAsync(dataSource, Area.NormalizeCode(code)!, cancellationToken);
        return area is null ? ApiProblem.NotFound("area-not-found", code) : TypedResults.Ok(AreaResponse.From(area));
    }
}

public sealed record NameInput(string? Fi, string? Sv, string? En);

public sealed record RegisterAreaRequest(string? Code, NameInput? Name, IReadOnlyList<string>? Municipalities, string? WelfareRegion);

public sealed record AreaResponse(string Code, LocalizedName Name, IReadOnlyList<string> Municipalities, string? WelfareRegion, DateTimeOffset RegisteredAt)
{
    public static AreaResponse From(Area area) => new(area.Code, area.Name, area.Municipalities, area.WelfareRegion, area.RegisteredAt);
}
