using System.Security.Claims;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.ServiceDefaults.Messaging;
using Kaikukortti.ServiceDefaults.Problems;
using Kaikukortti.Venues.Data;
using Kaikukortti.Venues.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Contract = Kaikukortti.Contracts;

namespace Kaikukortti.Venues.Api;

/// <summary>
/// Venues and their offerings. Anyone reads the catalogue. A venue is registered and changed by the national admin or
/// its area's coordinator; its offerings also by the venue itself or a partner acting for it. Every change publishes
/// its event once, in the same transaction; a request that changes nothing publishes nothing.
/// </summary>
public static class VenuesApi
{
    public static RouteGroupBuilder MapVenuesEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/venues").WithTags("Venues");

        group.MapGet("/", SearchVenues)
            .WithName("SearchVenues")
            .WithSummary("Find venues where the card works")
            .WithDescription("""
                The public catalogue, active venues only unless `includeInactive=true`. `q` matches names in Finnish, Swedish and
                English and the municipality, ignoring case and accents ("seinajoki" finds "Seinäjoki"). Paged: `page` from 1,
                `pageSize` 1–100 (default 20).
                """)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id:guid}", GetVenue).WithName("GetVenue").WithSummary("Get a venue").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", RegisterVenue)
            .RequireAuthorization(AuthExtensions.SiteClientPolicy)
            .WithName("RegisterVenue")
            .WithSummary("Register a venue")
            .WithDescription("By the national admin or the area's coordinator. `municipality` must be one of the area's; `acceptsOtherAreas` defaults to true.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPut("/{id:guid}", ChangeVenue)
            .RequireAuthorization(AuthExtensions.SiteClientPolicy)
            .WithName("ChangeVenue")
            .WithSummary("Change a venue")
            .WithDescription("Replaces the venue's details; its area cannot change. Publishes VenueChanged when anything changed.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/deactivate", DeactivateVenue)
            .RequireAuthorization(AuthExtensions.SiteClientPolicy)
            .WithName("DeactivateVenue")
            .WithSummary("Deactivate a venue")
            .WithDescription("The venue leaves the public catalogue and records no more uses. Idempotent.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/activate", ActivateVenue)
            .RequireAuthorization(AuthExtensions.SiteClientPolicy)
            .WithName("ActivateVenue")
            .WithSummary("Activate a venue again")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/offerings", ListOfferings).WithName("ListOfferings").WithSummary("A venue's offerings").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/offerings", PublishOffering)
            .RequireAuthorization(AuthExtensions.SiteClientPolicy)
            .WithName("PublishOffering")
            .WithSummary("Publish an offering")
            .WithDescription("By the venue, a partner acting for it, or its area's coordinator. An optional quota caps free tickets per event, day, week or month.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{id:guid}/offerings/{offeringId:guid}", ChangeOffering)
            .RequireAuthorization(AuthExtensions.SiteClientPolicy)
            .WithName("ChangeOffering")
            .WithSummary("Change an offering")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Ok<VenuePageResponse>, ProblemHttpResult>> SearchVenues(
        string? area, string? category, string? q, string? municipality, bool? includeInactive, int? page, int? pageSize,
        NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var paging = Paging.From(page, pageSize);
        if (paging.Error is { } pagingError) return pagingError.ToProblem();
        if (Blank(category) is { } c && !Categories.All.Contains(c)) return ApiProblem.BadRequest("venue-category-invalid", c);
        var filter = new VenueFilter(Area.NormalizeCode(Blank(area)), Blank(category), SearchText.Fold(q) is { Length: > 0 } folded ? folded : null,
            Blank(municipality), includeInactive ?? false);
        var found = await VenueStore.SearchAsync(dataSource, filter, paging.Value, cancellationToken);
        return TypedResults.Ok(new VenuePageResponse(found.Items.Select(VenueResponse.From).ToList(), paging.Value.Page, paging.Value.PageSize, found.Total));
    }

    public static async Task<Results<Ok<VenueResponse>, ProblemHttpResult>> GetVenue(Guid id, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await VenueStore.FindAsync(connection, id, cancellationToken) is { } venue
            ? TypedResults.Ok(VenueResponse.From(venue))
            : ApiProblem.NotFound("venue-not-found", id);
    }

    public static async Task<Results<Created<VenueResponse>, ProblemHttpResult>> RegisterVenue(
        VenueRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var areaCode = Area.NormalizeCode(request.AreaCode);
        if (!SiteClient.From(user)!.CoordinatesArea(areaCode)) return ApiProblem.Forbidden();
        if (await AreaStore.FindAsync(dataSource, areaCode!, cancellationToken) is not { } area) return ApiProblem.BadRequest("area-unknown", request.AreaCode);
        var details = Describe(request, area);
        if (details.Error is { } error) return error.ToProblem();

        var venue = Venue.Register(Guid.CreateVersion7(), area.Code, details.Value!, clock.GetUtcNow());
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await VenueStore.InsertAsync(transaction, venue, cancellationToken);
        await Outbox.EnqueueAsync(transaction, new VenueRegistered
        {
            VenueId = venue.Id, AreaCode = venue.AreaCode, Name = Contract(venue.Details.Name), Category = venue.Details.Category,
            Municipality = venue.Details.Municipality, AcceptsOtherAreas = venue.Details.AcceptsOtherAreas, Active = venue.Active, RegisteredAt = venue.RegisteredAt,
        }, cancellationToken);
        await Outbox.CommitAsync(transaction, cancellationToken);
        return TypedResults.Created($"/api/venues/{venue.Id}", VenueResponse.From(venue));
    }

    public static Task<Results<Ok<VenueResponse>, ProblemHttpResult>> ChangeVenue(
        Guid id, VenueRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeVenueAsync(id, user, dataSource, cancellationToken, async venue =>
        {
            if (request.AreaCode is not null && Area.NormalizeCode(request.AreaCode) != venue.AreaCode) return (new DomainError("venue-area-immutable", venue.AreaCode), null);
            var area = (await AreaStore.FindAsync(dataSource, venue.AreaCode, cancellationToken))!;
            var details = Describe(request, area);
            return details.Error is { } error ? (error, null) : (null, venue.Change(details.Value!, clock.GetUtcNow()));
        });

    public static Task<Results<Ok<VenueResponse>, ProblemHttpResult>> DeactivateVenue(
        Guid id, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeVenueAsync(id, user, dataSource, cancellationToken, venue => Task.FromResult<(DomainError?, Venue?)>((null, venue.SetActive(false, clock.GetUtcNow()))));

    public static Task<Results<Ok<VenueResponse>, ProblemHttpResult>> ActivateVenue(
        Guid id, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeVenueAsync(id, user, dataSource, cancellationToken, venue => Task.FromResult<(DomainError?, Venue?)>((null, venue.SetActive(true, clock.GetUtcNow()))));

    public static async Task<Results<Ok<IReadOnlyList<OfferingResponse>>, ProblemHttpResult>> ListOfferings(Guid id, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await VenueStore.FindAsync(connection, id, cancellationToken) is null) return ApiProblem.NotFound("venue-not-found", id);
        var offerings = await OfferingStore.ListAsync(connection, id, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<OfferingResponse>>(offerings.Select(OfferingResponse.From).ToList());
    }

    public static async Task<Results<Created<OfferingResponse>, ProblemHttpResult>> PublishOffering(
        Guid id, OfferingRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await VenueStore.FindAsync(connection, id, cancellationToken, transaction) is not { } venue) return ApiProblem.NotFound("venue-not-found", id);
        if (!ManagesOfferings(user, venue)) return ApiProblem.Forbidden();
        if (!venue.Active) return ApiProblem.Conflict("venue-inactive", id);
        var details = Describe(request);
        if (details.Error is { } error) return error.ToProblem();

        var offering = Offering.Publish(Guid.CreateVersion7(), venue.Id, details.Value!, clock.GetUtcNow());
        await OfferingStore.InsertAsync(transaction, offering, cancellationToken);
        await Outbox.EnqueueAsync(transaction, new OfferingPublished
        {
            OfferingId = offering.Id, VenueId = venue.Id, Title = offering.Details.Title, Kind = offering.Details.Kind, Quota = Contract(offering.Details.Quota),
            StartsAt = offering.Details.StartsAt, EndsAt = offering.Details.EndsAt, PublishedAt = offering.PublishedAt,
        }, cancellationToken);
        await Outbox.CommitAsync(transaction, cancellationToken);
        return TypedResults.Created($"/api/venues/{venue.Id}/offerings/{offering.Id}", OfferingResponse.From(offering));
    }

    public static async Task<Results<Ok<OfferingResponse>, ProblemHttpResult>> ChangeOffering(
        Guid id, Guid offeringId, OfferingRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await VenueStore.FindAsync(connection, id, cancellationToken, transaction) is not { } venue) return ApiProblem.NotFound("venue-not-found", id);
        if (!ManagesOfferings(user, venue)) return ApiProblem.Forbidden();
        if (await OfferingStore.FindForUpdateAsync(transaction, id, offeringId, cancellationToken) is not { } offering) return ApiProblem.NotFound("offering-not-found", offeringId);
        var details = Describe(request);
        if (details.Error is { } error) return error.ToProblem();
        if (offering.Change(details.Value!, clock.GetUtcNow()) is not { } changed) return TypedResults.Ok(OfferingResponse.From(offering));

        await OfferingStore.UpdateAsync(transaction, changed, cancellationToken);
        await Outbox.EnqueueAsync(transaction, new OfferingChanged
        {
            OfferingId = changed.Id, VenueId = venue.Id, Title = changed.Details.Title, Kind = changed.Details.Kind, Quota = Contract(changed.Details.Quota),
            StartsAt = changed.Details.StartsAt, EndsAt = changed.Details.EndsAt, ChangedAt = changed.ChangedAt,
        }, cancellationToken);
        await Outbox.CommitAsync(transaction, cancellationToken);
        return TypedResults.Ok(OfferingResponse.From(changed));
    }

    /// <summary>
    /// The shared path of every venue change: lock, authorize, apply <paramref name="change"/> (a broken rule, or the changed
    /// venue, or null for no change), and publish VenueChanged only if something changed.
    /// </summary>
    private static async Task<Results<Ok<VenueResponse>, ProblemHttpResult>> ChangeVenueAsync(
        Guid id, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken, Func<Venue, Task<(DomainError? Error, Venue? Changed)>> change)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await VenueStore.FindAsync(connection, id, cancellationToken, transaction) is not { } venue) return ApiProblem.NotFound("venue-not-found", id);
        if (!SiteClient.From(user)!.CoordinatesArea(venue.AreaCode)) return ApiProblem.Forbidden();
        var outcome = await change(venue);
        if (outcome.Error is { } error) return error.ToProblem();
        if (outcome.Changed is not { } changed) return TypedResults.Ok(VenueResponse.From(venue));

        await VenueStore.UpdateAsync(transaction, changed, cancellationToken);
        await Outbox.EnqueueAsync(transaction, new VenueChanged
        {
            VenueId = changed.Id, AreaCode = changed.AreaCode, Name = Contract(changed.Details.Name), Category = changed.Details.Category,
            Municipality = changed.Details.Municipality, AcceptsOtherAreas = changed.Details.AcceptsOtherAreas, Active = changed.Active, ChangedAt = changed.ChangedAt,
        }, cancellationToken);
        await Outbox.CommitAsync(transaction, cancellationToken);
        return TypedResults.Ok(VenueResponse.From(changed));
    }

    // A venue's offerings are its own business, its partner's, and its area's coordinator's.
    private static bool ManagesOfferings(ClaimsPrincipal user, Venue venue) =>
        SiteClient.From(user) is { } actor && (actor.CoordinatesArea(venue.AreaCode) || actor.ActsForVenue(venue.Id));

    private static Result<VenueDetails> Describe(VenueRequest request, Area area)
    {
        var name = LocalizedName.From(request.Name?.Fi, request.Name?.Sv, request.Name?.En, "venue");
        if (name.Error is { } error) return error;
        return VenueDetails.Describe(name.Value!, request.Category, request.Municipality, request.Address, request.Accessibility,
            request.AcceptsOtherAreas, request.ContactEmail, area.Municipalities);
    }

    private static Result<OfferingDetails> Describe(OfferingRequest request) =>
        OfferingDetails.Describe(request.Title, request.Kind, request.Quota?.Tickets, request.Quota?.Per, request.Quota is not null, request.StartsAt, request.EndsAt);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static Contract.LocalizedName Contract(LocalizedName name) => new() { Fi = name.Fi, Sv = name.Sv, En = name.En };

    private static Contract.Venues.Quota? Contract(Domain.Quota? quota) => quota is null ? null : new() { Tickets = quota.Tickets, Per = quota.Per };
}

public sealed record VenueRequest(
    string? AreaCode, NameInput? Name, string? Category, string? Municipality, string? Address, string? Accessibility, bool? AcceptsOtherAreas, string? ContactEmail);

public sealed record QuotaInput(int? Tickets, string? Per);

public sealed record OfferingRequest(string? Title, string? Kind, QuotaInput? Quota, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

public sealed record VenueResponse(
    Guid Id, string AreaCode, LocalizedName Name, string Category, string Municipality, string? Address, string? Accessibility,
    bool AcceptsOtherAreas, bool Active, string? ContactEmail, DateTimeOffset RegisteredAt, DateTimeOffset ChangedAt)
{
    public static VenueResponse From(Venue venue) => new(
        venue.Id, venue.AreaCode, venue.Details.Name, venue.Details.Category, venue.Details.Municipality, venue.Details.Address, venue.Details.Accessibility,
        venue.Details.AcceptsOtherAreas, venue.Active, venue.Details.ContactEmail, venue.RegisteredAt, venue.ChangedAt);
}

public sealed record VenuePageResponse(IReadOnlyList<VenueResponse> Items, int Page, int PageSize, int Total);

public sealed record OfferingResponse(
    Guid Id, Guid VenueId, string Title, string Kind, Domain.Quota? Quota, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, DateTimeOffset PublishedAt, DateTimeOffset ChangedAt)
{
    public static OfferingResponse From(Offering offering) => new(
        offering.Id, offering.VenueId, offering.Details.Title, offering.Details.Kind, offering.Details.Quota, offering.Details.StartsAt, offering.Details.EndsAt,
        offering.PublishedAt, offering.ChangedAt);
}
