using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Redemptions;
using Kaikukortti.Redemptions.Data;
using Kaikukortti.Redemptions.Domain;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.ServiceDefaults.Data;
using Kaikukortti.ServiceDefaults.Messaging;
using Kaikukortti.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Kaikukortti.Redemptions.Api;

/// <summary>
/// Recording uses at a venue: by the venue's own client or a partner acting for it, decided from local replicas only.
/// Every use is recorded exactly once per Idempotency-Key, and its UseRecorded event commits with it.
/// </summary>
public static class RedemptionsApi
{
    public const int MaxBatchSize = 500;
    public const int MaxKeyLength = 200;

    public static RouteGroupBuilder MapRedemptionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/redemptions").WithTags("Redemptions").RequireAuthorization(AuthExtensions.SiteClientPolicy);

        group.MapPost("/", RecordUse)
            .WithName("RecordUse")
            .WithSummary("Record a use of a card at a venue")
            .WithDescription("""
                Needs an `Idempotency-Key` header (at most 200 characters): the same key with the same body gives back the first answer,
                with another body 422 `idempotency-key-reused`. `adults` defaults to 1 (a personal card admits its holder), `children`
                and `assistants` to 0; assistants get in free and are not uses. A community card: `adults` are workers, `children` clients
                under 16, together at most its group size. `occurredAt` defaults to now and may be up to 14 days back. `venueId` may be
                left out by a venue's own client. Refusals are 422 with a `code`: card-unknown, card-closed, card-expired, adults-not-covered,
                too-many-children, children-not-covered, group-too-large, quota-exhausted, other-area-not-accepted, venue-unknown,
                venue-inactive, offering-unknown, occurred-in-future, too-late.
                """)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/batch", RecordBatch)
            .WithName("RecordUses")
            .WithSummary("Record up to 500 uses at once, e.g. keyed in from paper")
            .WithDescription("Each item has its own `idempotencyKey` and is recorded or refused on its own; the answer lists every item's status in order.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/import", ImportUses)
            .RequireAuthorization(AuthExtensions.NationalAdminPolicy)
            .WithName("ImportUses")
            .WithSummary("Import up to 500 uses from the earlier register's history")
            .WithDescription("""
                National admin only, at any venue. Like a batch, but `occurredAt` is required and may be of any age: every other rule
                holds as at the desk (the card was issued and valid on that day, and so on). Each item has its own `idempotencyKey`.
                """)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/{id:guid}/cancel", CancelUse)
            .WithName("CancelUse")
            .WithSummary("Cancel a use within 24 hours of recording it")
            .WithDescription("By a client acting for the use's venue. The tickets go back to the quota. Cancelling again changes nothing.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/totals", GetTotals)
            .RequireAuthorization(AuthExtensions.NationalAdminPolicy)
            .WithName("GetUseTotals")
            .WithSummary("The service's own counts of uses, for reconciling statistics against them")
            .WithDescription("National admin only. Cancelled uses are left out; `cardsTakenIntoUse` are distinct cards with a use.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", ListUses)
            .WithName("ListUses")
            .WithSummary("A venue's uses, newest first")
            .WithDescription("`from` (inclusive) and `to` (exclusive) bound `occurredAt`. `venueId` may be left out by a venue's own client. Paged: `page` from 1, `pageSize` 1–100 (default 20).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    public static async Task<Results<Created<UseResponse>, ProblemHttpResult>> RecordUse(
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, RedemptionRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var outcome = await RecordAsync(dataSource, SiteClient.From(user)!, idempotencyKey, request, clock.GetUtcNow(), cancellationToken);
        return outcome.Use is { } use ? TypedResults.Created($"/api/redemptions/{use.Id}", use) : ApiProblem.Create(outcome.Status, outcome.Code!, outcome.Args);
    }

    public static Task<Results<Ok<BatchResponse>, ProblemHttpResult>> RecordBatch(
        BatchRequest request, ClaimsPrincipal user, HttpRequest http, NpgsqlDataSource dataSource, IOptions<ProblemTextOptions> texts, TimeProvider clock,
        CancellationToken cancellationToken) =>
        RecordItemsAsync(request, imported: false, user, http, dataSource, texts, clock, cancellationToken);

    public static Task<Results<Ok<BatchResponse>, ProblemHttpResult>> ImportUses(
        BatchRequest request, ClaimsPrincipal user, HttpRequest http, NpgsqlDataSource dataSource, IOptions<ProblemTextOptions> texts, TimeProvider clock,
        CancellationToken cancellationToken) =>
        RecordItemsAsync(request, imported: true, user, http, dataSource, texts, clock, cancellationToken);

    private static async Task<Results<Ok<BatchResponse>, ProblemHttpResult>> RecordItemsAsync(
        BatchRequest request, bool imported, ClaimsPrincipal user, HttpRequest http, NpgsqlDataSource dataSource, IOptions<ProblemTextOptions> texts,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.Items is not { Count: > 0 and <= MaxBatchSize } items) return ApiProblem.BadRequest("batch-size-invalid", MaxBatchSize);
        var actor = SiteClient.From(user)!;
        var language = ProblemDetailsSetup.PreferredLanguage(http);
        var results = new List<BatchItemResult>(items.Count);
        foreach (var item in items)
        {
            var outcome = item is null
                ? new Outcome(StatusCodes.Status400BadRequest, null, "bad-request", [])
                : await RecordAsync(dataSource, actor, item.IdempotencyKey, item.ToRequest(), clock.GetUtcNow(), cancellationToken, imported);
            results.Add(new BatchItemResult(item?.IdempotencyKey, outcome.Status, outcome.Use, outcome.Code,
                outcome.Code is null ? null : texts.Value.Detail(outcome.Code, language, outcome.Args)));
        }
        return TypedResults.Ok(new BatchResponse(results));
    }

    public static async Task<Results<Ok<UseResponse>, ProblemHttpResult>> CancelUse(
        Guid id, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var actor = SiteClient.From(user)!;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Another venue's use is not found rather than forbidden: its existence is that venue's business.
        if (await UseStore.FindAsync(connection, id, cancellationToken, transaction) is not { } use || !actor.ActsForVenue(use.Venue.Id))
            return ApiProblem.NotFound("use-not-found", id);
        if (use.CancelledAt is not null) return TypedResults.Ok(UseResponse.From(use));
        var now = clock.GetUtcNow();
        if (UseRules.CancelRefusal(use, now) is { } refusal) return refusal.ToProblem(StatusCodes.Status409Conflict);

        await UseStore.CancelAsync(transaction, use.Id, now, cancellationToken);
        if (use.QuotaPeriod is { } period) await UseStore.ReturnQuotaAsync(transaction, use.Offering!.Id, period, use.Tickets, cancellationToken);
        var cancelled = use with { CancelledAt = now };
        await Outbox.EnqueueAsync(transaction, new UseCancelled
        {
            UseId = use.Id, CardId = use.Card.Id, CardKind = use.Card.Kind, CardHomeArea = use.Card.AreaCode, DistributorId = use.Card.DistributorId,
            VenueId = use.Venue.Id, VenueArea = use.Venue.AreaCode, Category = use.Venue.Category, OfferingId = use.Offering?.Id, OfferingKind = use.Offering?.Kind,
            Adults = use.Adults, Children = use.Children, Assistants = use.Assistants, OccurredAt = use.OccurredAt, CancelledAt = now,
        }, cancellationToken);
        await Outbox.CommitAsync(transaction, cancellationToken);
        return TypedResults.Ok(UseResponse.From(cancelled));
    }

    public static async Task<Results<Ok<UsePageResponse>, ProblemHttpResult>> ListUses(
        Guid? venueId, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        var actor = SiteClient.From(user)!;
        var paging = Paging.From(page, pageSize);
        if (paging.Error is { } pagingError) return pagingError.ToProblem();
        if ((venueId ?? OwnVenue(actor)) is not { } venue) return ApiProblem.BadRequest("redemption-venue-required");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!actor.ActsForVenue(venue) && !actor.CoordinatesArea((await ReplicaStore.FindVenueAsync(connection, venue, cancellationToken))?.AreaCode))
            return ApiProblem.Forbidden();
        var found = await UseStore.ListAsync(connection, venue, from, to, paging.Value, cancellationToken);
        return TypedResults.Ok(new UsePageResponse(found.Items.Select(UseResponse.From).ToList(), paging.Value.Page, paging.Value.PageSize, found.Total));
    }

    public static async Task<Ok<UseTotals>> GetTotals(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(await UseStore.TotalsAsync(connection, cancellationToken));
    }

    /// <summary>What recording one use came to: the use (new or replayed), or a problem's status, code and values.</summary>
    private sealed record Outcome(int Status, UseResponse? Use, string? Code, object?[] Args)
    {
        public static Outcome Problem(int status, DomainError error) => new(status, null, error.Code, error.Args);
    }

    /// <summary>
    /// The one path of every use, single, in a batch or imported: check, claim the key, decide, record — in one transaction.
    /// An imported use is the national admin's, at any venue and of any age.
    /// </summary>
    private static async Task<Outcome> RecordAsync(
        NpgsqlDataSource dataSource, SiteClient actor, string? key, RedemptionRequest request, DateTimeOffset now, CancellationToken cancellationToken,
        bool imported = false)
    {
        if (string.IsNullOrWhiteSpace(key)) return Outcome.Problem(StatusCodes.Status400BadRequest, new DomainError("idempotency-key-required"));
        if (key.Length > MaxKeyLength) return Outcome.Problem(StatusCodes.Status400BadRequest, new DomainError("idempotency-key-invalid", MaxKeyLength));
        switch (CardNumber.TryRead(request.CardNumber, out var cardNumber))
        {
            case CardNumber.Reading.Mistyped: return Outcome.Problem(StatusCodes.Status400BadRequest, new DomainError("card-number-mistyped"));
            case CardNumber.Reading.Malformed: return Outcome.Problem(StatusCodes.Status400BadRequest, new DomainError("card-number-invalid"));
        }
        if ((request.VenueId ?? OwnVenue(actor)) is not { } venueId) return Outcome.Problem(StatusCodes.Status400BadRequest, new DomainError("redemption-venue-required"));
        if (!(imported ? actor.IsNationalAdmin : actor.ActsForVenue(venueId))) return Outcome.Problem(StatusCodes.Status403Forbidden, new DomainError("forbidden"));
        if (imported && request.OccurredAt is null) return Outcome.Problem(StatusCodes.Status400BadRequest, new DomainError("occurred-at-required"));
        var wanted = new UseRequest(cardNumber, venueId, request.OfferingId, request.Adults ?? 1, request.Children ?? 0, request.Assistants ?? 0,
            request.OccurredAt is { } given ? DatabaseClock.Stored(given) : null);
        if (UseRules.Malformed(wanted) is { } malformed) return Outcome.Problem(StatusCodes.Status400BadRequest, malformed);

        var hash = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(wanted)));
        // Three round trips for a use: the key's claim with the reads, then the use with its event and the key's answer,
        // then the commit (a quota takes one more).
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claim = IdempotencyStore.Claim(actor.ClientId, key, hash, now);
        var (card, venue, offering) = await ReplicaStore.FindAsync(transaction, claim, cardNumber, venueId, wanted.OfferingId, cancellationToken);
        if (claim.RecordsAffected == 0)
            return await ReplayAsync(connection, await IdempotencyStore.FindAsync(transaction, actor.ClientId, key, cancellationToken), hash, cancellationToken);

        var occurredAt = wanted.OccurredAt ?? now;
        var refusal = venue is null ? new DomainError("venue-unknown", venueId) : UseRules.Refusal(wanted, occurredAt, now, card, venue, offering, imported);
        var period = UseRules.QuotaPeriod(offering, occurredAt);
        if (refusal is null && period is not null && !await UseStore.TakeQuotaAsync(transaction, offering!, period, wanted.Adults + wanted.Children, cancellationToken))
            refusal = new DomainError("quota-exhausted", offering!.QuotaTickets);
        if (refusal is not null)
        {
            await transaction.ExecuteBatchAsync(cancellationToken, IdempotencyStore.Answer(actor.ClientId, key, null, refusal.Code, Strings(refusal.Args)));
            await transaction.CommitAsync(cancellationToken);
            return Outcome.Problem(StatusCodes.Status422UnprocessableEntity, refusal);
        }

        var use = new Use(Guid.CreateVersion7(), actor.ClientId, card!, venue!, offering, period, wanted.Adults, wanted.Children, wanted.Assistants, occurredAt, now, null);
        await transaction.ExecuteBatchAsync(cancellationToken,
            UseStore.Insert(use),
            Outbox.Row(new UseRecorded
            {
                UseId = use.Id, CardId = use.Card.Id, CardKind = use.Card.Kind, CardHomeArea = use.Card.AreaCode, DistributorId = use.Card.DistributorId,
                VenueId = use.Venue.Id, VenueArea = use.Venue.AreaCode, Category = use.Venue.Category, OfferingId = use.Offering?.Id, OfferingKind = use.Offering?.Kind,
                Adults = use.Adults, Children = use.Children, Assistants = use.Assistants, OccurredAt = use.OccurredAt,
            }),
            IdempotencyStore.Answer(actor.ClientId, key, use.Id, null, null));
        await Outbox.CommitAsync(transaction, cancellationToken);
        return new Outcome(StatusCodes.Status201Created, UseResponse.From(use), null, []);
    }

    /// <summary>The first answer to a key again, if the request is the same one.</summary>
    private static async Task<Outcome> ReplayAsync(NpgsqlConnection connection, KeyRecord earlier, string hash, CancellationToken cancellationToken)
    {
        if (earlier.RequestHash != hash) return Outcome.Problem(StatusCodes.Status422UnprocessableEntity, new DomainError("idempotency-key-reused"));
        if (earlier.UseId is { } useId) return new Outcome(StatusCodes.Status201Created, UseResponse.From((await UseStore.FindAsync(connection, useId, cancellationToken))!) with
        {
            // The first answer said "recorded"; a later cancellation does not rewrite it.
            Status = "recorded", CancelledAt = null,
        }, null, []);
        return Outcome.Problem(StatusCodes.Status422UnprocessableEntity, new DomainError(earlier.RefusalCode!, [.. earlier.RefusalArgs ?? []]));
    }

    private static Guid? OwnVenue(SiteClient actor) => actor.Role == Roles.Venue && actor.VenueIds.Count == 1 ? actor.VenueIds[0] : null;

    private static string[] Strings(object?[] args) => [.. args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture) ?? "")];
}

public sealed record RedemptionRequest(string? CardNumber, Guid? VenueId, Guid? OfferingId, int? Adults, int? Children, int? Assistants, DateTimeOffset? OccurredAt);

public sealed record BatchItem(
    string? IdempotencyKey, string? CardNumber, Guid? VenueId, Guid? OfferingId, int? Adults, int? Children, int? Assistants, DateTimeOffset? OccurredAt)
{
    public RedemptionRequest ToRequest() => new(CardNumber, VenueId, OfferingId, Adults, Children, Assistants, OccurredAt);
}

public sealed record BatchRequest(IReadOnlyList<BatchItem?>? Items);

/// <summary>One item's answer: its status (201, 400, 403 or 422), the use when recorded, or the problem's code and detail.</summary>
public sealed record BatchItemResult(string? IdempotencyKey, int Status, UseResponse? Use, string? Code, string? Detail);

public sealed record BatchResponse(IReadOnlyList<BatchItemResult> Results);

public sealed record UseResponse(
    Guid Id, string Status, string CardNumber, Guid VenueId, Guid? OfferingId, int Adults, int Children, int Assistants, DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt, DateTimeOffset? CancelledAt)
{
    public static UseResponse From(Use use) => new(
        use.Id, use.CancelledAt is null ? "recorded" : "cancelled", use.Card.Number, use.Venue.Id, use.Offering?.Id, use.Adults, use.Children, use.Assistants,
        use.OccurredAt, use.RecordedAt, use.CancelledAt);
}

public sealed record UseTotals
{
    public int Uses { get; init; }
    public int AdultUses { get; init; }
    public int ChildUses { get; init; }
    public int Assistants { get; init; }
    public int CardsTakenIntoUse { get; init; }
}

public sealed record UsePageResponse(IReadOnlyList<UseResponse> Items, int Page, int PageSize, int Total);
