using System.Security.Claims;
using System.Text.Json.Serialization;
using Kaikukortti.Cards.Data;
using Kaikukortti.Cards.Domain;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.ServiceDefaults.Messaging;
using Kaikukortti.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using QRCoder;

namespace Kaikukortti.Cards.Api;

/// <summary>
/// The card lifecycle: issue, renew, replace, close. The issuing distributor, its area's coordinator and the national
/// admin see and change a card's full record, and each such read or change is audited; any venue or partner may check
/// a card's status, which says only what a ticket desk needs. Each change publishes its events in its own transaction.
/// </summary>
public static class CardsApi
{
    public static RouteGroupBuilder MapCardsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cards").WithTags("Cards").RequireAuthorization(AuthExtensions.SiteClientPolicy);

        group.MapPost("/", IssueCard)
            .WithName("IssueCard")
            .WithSummary("Issue a card")
            .WithDescription("""
                By a distributor unit for itself (`distributorId` may be left out), or by its area's coordinator or the national admin.
                A personal card needs `birthYear` (the holder turns 16 this year or earlier), `postalCode` (5 digits) and `children`
                (own minor children or grandchildren, 0–20); `gender`, `ageGroup` and `lifeSituation` are voluntary. A community card
                needs `groupSize` (1–30) and nothing personal. The card is valid through `validUntil`, one year from today. The national
                admin carrying a card over from the earlier register gives its `issuedOn` (at most 20 years back); it is valid a year from that day.
                """)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListCards)
            .WithName("ListCards")
            .WithSummary("A distributor unit's cards, newest first")
            .WithDescription("Without the holders' answers; read one card for its full record. Paged: `page` from 1, `pageSize` 1–100 (default 20).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/totals", GetTotals)
            .RequireAuthorization(AuthExtensions.NationalAdminPolicy)
            .WithName("GetCardTotals")
            .WithSummary("The register's own counts, for reconciling statistics against them")
            .WithDescription("National admin only. `cardsIssued` excludes replacement cards; `activeCards` are open cards valid today.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/audit", ReadAuditLog)
            .WithName("ReadCardAuditLog")
            .WithSummary("Who read or changed cards and distributors, and when")
            .WithDescription("An area's coordinator reads its own area's log; the national admin any area's. Newest first; `from` and `to` bound `at` (from inclusive, to exclusive).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/{cardNumber}", GetCard)
            .WithName("GetCard")
            .WithSummary("A card's full record")
            .WithDescription("For the issuing unit, its area's coordinator and the national admin; every read is audited. Numbers may contain spaces or hyphens.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{cardNumber}/status", CheckCard)
            .WithName("CheckCard")
            .WithSummary("Check a card at the ticket desk")
            .WithDescription("Whether the card is valid today (`reason` is `closed` or `expired` when not), and what it covers. Nothing about the holder.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{cardNumber}/qr.svg", CardQrCode)
            .WithName("CardQrCode")
            .WithSummary("The card number as a QR code, for printing the card")
            .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{cardNumber}/renew", RenewCard)
            .WithName("RenewCard")
            .WithSummary("Renew a card for a year from today")
            .WithDescription("By the issuing unit or its area's coordinator. A closed card cannot be renewed; an expired one can.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{cardNumber}/close", CloseCard)
            .WithName("CloseCard")
            .WithSummary("Close a card")
            .WithDescription($"`reason` is one of {string.Join(", ", CloseReasons.All)}. A closed card admits no one and is never reopened.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{cardNumber}/replace", ReplaceCard)
            .WithName("ReplaceCard")
            .WithSummary("Replace a lost, damaged or stolen card with a new number")
            .WithDescription("Closes the card and issues a new number with the same answers, distributor and validity; the two are linked both ways.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    public static async Task<Results<Created<CardResponse>, ProblemHttpResult>> IssueCard(
        CardRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource, CardNumberGenerator numbers, TimeProvider clock, CancellationToken cancellationToken)
    {
        var actor = SiteClient.From(user)!;
        if ((request.DistributorId ?? actor.DistributorId) is not { } distributorId) return ApiProblem.BadRequest("card-field-required", "distributorId");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await DistributorStore.FindAsync(connection, distributorId, cancellationToken) is not { } distributor) return ApiProblem.BadRequest("distributor-unknown", distributorId);
        if (!Distributor.IsManagedBy(actor, distributor.Id, distributor.AreaCode)) return ApiProblem.Forbidden();
        if (!distributor.Active) return ApiProblem.Conflict("distributor-inactive", distributor.Id);
        var now = clock.GetUtcNow();
        var today = FinnishTime.DateOf(now);
        if (request.IssuedOn is { } issuedOn)
        {
            // Only the register's migration from the earlier system dates a card in the past.
            if (!actor.IsNationalAdmin) return ApiProblem.Forbidden();
            if (Card.IssueDateError(issuedOn, today) is { } dateError) return dateError.ToProblem();
        }
        var holder = CardHolder.Describe(new HolderAnswers(
            request.Kind, request.BirthYear, request.PostalCode, request.Children, request.GroupSize, request.Gender, request.AgeGroup, request.LifeSituation),
            (request.IssuedOn ?? today).Year);
        if (holder.Error is { } error) return error.ToProblem();

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var card = await CardStore.InsertAsync(transaction, Card.Issue(Guid.CreateVersion7(), numbers.Next(), distributor, holder.Value!, now, request.IssuedOn), numbers, cancellationToken);
        await AuditLog.WriteAsync(connection, transaction, actor, AuditActions.CardIssued, card.AreaCode, card.DistributorId, card.Number, now, cancellationToken);
        await Outbox.EnqueueAsync(transaction, Issued(card), cancellationToken);
        await Outbox.CommitAsync(transaction, cancellationToken);
        return TypedResults.Created($"/api/cards/{card.Number}", CardResponse.From(card, today));
    }

    public static async Task<Results<Ok<CardPageResponse>, ProblemHttpResult>> ListCards(
        Guid? distributorId, int? page, int? pageSize, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var actor = SiteClient.From(user)!;
        var paging = Paging.From(page, pageSize);
        if (paging.Error is { } pagingError) return pagingError.ToProblem();
        if ((distributorId ?? actor.DistributorId) is not { } id) return ApiProblem.BadRequest("card-field-required", "distributorId");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await DistributorStore.FindAsync(connection, id, cancellationToken) is not { } distributor) return ApiProblem.NotFound("distributor-not-found", id);
        if (!Distributor.IsManagedBy(actor, distributor.Id, distributor.AreaCode)) return ApiProblem.Forbidden();

        var found = await CardStore.ListAsync(connection, distributor.Id, paging.Value, cancellationToken);
        await AuditLog.WriteAsync(connection, null, actor, AuditActions.CardsListed, distributor.AreaCode, distributor.Id, null, clock.GetUtcNow(), cancellationToken);
        var today = clock.Today();
        return TypedResults.Ok(new CardPageResponse(found.Items.Select(c => CardSummary.From(c, today)).ToList(), paging.Value.Page, paging.Value.PageSize, found.Total));
    }

    public static async Task<Results<Ok<CardResponse>, ProblemHttpResult>> GetCard(
        string cardNumber, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var actor = SiteClient.From(user)!;
        if (Read(cardNumber, out var number) is { } invalid) return invalid;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await CardStore.FindAsync(connection, number, cancellationToken) is not { } card) return ApiProblem.NotFound("card-not-found", cardNumber);
        if (!Distributor.IsManagedBy(actor, card.DistributorId, card.AreaCode)) return ApiProblem.Forbidden();
        await AuditLog.WriteAsync(connection, null, actor, AuditActions.CardRead, card.AreaCode, card.DistributorId, card.Number, clock.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(CardResponse.From(card, clock.Today()));
    }

    public static async Task<Results<Ok<CardStatusResponse>, ProblemHttpResult>> CheckCard(
        string cardNumber, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Statistics clients read figures, never single cards.
        if (SiteClient.From(user)!.Role == Roles.Statistics) return ApiProblem.Forbidden();
        if (Read(cardNumber, out var number) is { } invalid) return invalid;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await CardStore.FindAsync(connection, number, cancellationToken) is not { } card) return ApiProblem.NotFound("card-not-found", cardNumber);
        var validity = card.ValidityOn(clock.Today());
        return TypedResults.Ok(new CardStatusResponse(card.Number, validity.Valid, validity.Reason, card.Holder.Kind, card.ValidUntil, card.Holder.Children,
            card.Holder.GroupSize, card.AreaCode));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CardQrCode(
        string cardNumber, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (Read(cardNumber, out var number) is { } invalid) return invalid;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await CardStore.FindAsync(connection, number, cancellationToken) is not { } card) return ApiProblem.NotFound("card-not-found", cardNumber);
        if (!Distributor.IsManagedBy(SiteClient.From(user)!, card.DistributorId, card.AreaCode)) return ApiProblem.Forbidden();
        using var generator = new QRCodeGenerator();
        using var code = generator.CreateQrCode(card.Number, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(code).GetGraphic(8);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(svg), "image/svg+xml", $"{card.Number}.svg");
    }

    public static Task<Results<Ok<CardResponse>, ProblemHttpResult>> RenewCard(
        string cardNumber, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeCardAsync(cardNumber, user, dataSource, clock, cancellationToken, requiresActiveDistributor: true, async (change, card) =>
        {
            var renewed = card.Renew(change.Now);
            if (renewed.Error is { } error) return error;
            await change.SaveAsync(renewed.Value!, AuditActions.CardRenewed, Renewed(renewed.Value!, change.Now));
            return renewed.Value!;
        }, TypedResults.Ok);

    public static Task<Results<Ok<CardResponse>, ProblemHttpResult>> CloseCard(
        string cardNumber, CloseRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeCardAsync(cardNumber, user, dataSource, clock, cancellationToken, requiresActiveDistributor: false, async (change, card) =>
        {
            var closed = card.Close(request.Reason, change.Now);
            if (closed.Error is { } error) return error;
            await change.SaveAsync(closed.Value!, AuditActions.CardClosed, ClosedEvent(closed.Value!));
            return closed.Value!;
        }, TypedResults.Ok);

    public static Task<Results<Created<CardResponse>, ProblemHttpResult>> ReplaceCard(
        string cardNumber, CloseRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource, CardNumberGenerator numbers, TimeProvider clock,
        CancellationToken cancellationToken) =>
        ChangeCardAsync(cardNumber, user, dataSource, clock, cancellationToken, requiresActiveDistributor: true, async (change, card) =>
        {
            var replaced = card.Replace(request.Reason, Guid.CreateVersion7(), numbers.Next(), change.Now);
            if (replaced.Error is { } error) return error;
            var replacement = await CardStore.InsertAsync(change.Transaction, replaced.Value.Replacement, numbers, cancellationToken);
            var closed = replaced.Value.Closed.ReplacedWith(replacement);
            await change.AuditAsync(replacement, AuditActions.CardIssued);
            await change.SaveAsync(closed, AuditActions.CardReplaced, ClosedEvent(closed), Issued(replacement));
            return replacement;
        }, card => TypedResults.Created($"/api/cards/{card.CardNumber}", card));

    public static async Task<Ok<CardTotals>> GetTotals(NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(await CardStore.TotalsAsync(connection, clock.Today(), cancellationToken));
    }

    public static async Task<Results<Ok<AuditPageResponse>, ProblemHttpResult>> ReadAuditLog(
        string? area, string? cardNumber, Guid? distributorId, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize,
        ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var actor = SiteClient.From(user)!;
        var paging = Paging.From(page, pageSize);
        if (paging.Error is { } pagingError) return pagingError.ToProblem();
        // A coordinator reads its own area without naming it; the national admin reads every area unless it names one.
        var areaCode = AreaCodes.Read(area) ?? (actor.IsNationalAdmin ? null : actor.AreaCode);
        if (!actor.CoordinatesArea(areaCode)) return ApiProblem.Forbidden();
        string? number = null;
        if (!string.IsNullOrWhiteSpace(cardNumber) && Read(cardNumber, out number) is { } invalid) return invalid;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var found = await AuditLog.ReadAsync(connection, new AuditFilter(areaCode, number, distributorId, from?.ToUniversalTime(), to?.ToUniversalTime()), paging.Value, cancellationToken);
        return TypedResults.Ok(new AuditPageResponse(found.Items, paging.Value.Page, paging.Value.PageSize, found.Total));
    }

    /// <summary>
    /// The shared path of every card change: read the number, lock the card, authorize, apply <paramref name="change"/>
    /// (a broken rule is a 409 when it is about the card's state, a 400 otherwise) and commit its audit entries and events together.
    /// </summary>
    private static async Task<Results<TSuccess, ProblemHttpResult>> ChangeCardAsync<TSuccess>(
        string cardNumber, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken, bool requiresActiveDistributor,
        Func<CardChange, Card, Task<Result<Card>>> change, Func<CardResponse, TSuccess> success)
        where TSuccess : IResult
    {
        var actor = SiteClient.From(user)!;
        if (Read(cardNumber, out var number) is { } invalid) return invalid;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await CardStore.FindAsync(connection, number, cancellationToken, transaction) is not { } card) return ApiProblem.NotFound("card-not-found", cardNumber);
        if (!Distributor.IsManagedBy(actor, card.DistributorId, card.AreaCode)) return ApiProblem.Forbidden();
        if (requiresActiveDistributor && await DistributorStore.FindAsync(connection, card.DistributorId, cancellationToken) is { Active: false })
            return ApiProblem.Conflict("distributor-inactive", card.DistributorId);

        var now = clock.GetUtcNow();
        var outcome = await change(new CardChange(actor, transaction, now, cancellationToken), card);
        if (outcome.Error is { } error) return error.ToProblem(error.Code == "card-closed" ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
        await Outbox.CommitAsync(transaction, cancellationToken);
        return success(CardResponse.From(outcome.Value!, FinnishTime.DateOf(now)));
    }

    /// <summary>Writes a changed card with its audit entry and events, in the change's transaction.</summary>
    private sealed record CardChange(SiteClient Actor, NpgsqlTransaction Transaction, DateTimeOffset Now, CancellationToken CancellationToken)
    {
        public Task AuditAsync(Card card, string action) =>
            AuditLog.WriteAsync(Transaction.Connection!, Transaction, Actor, action, card.AreaCode, card.DistributorId, card.Number, Now, CancellationToken);

        public async Task SaveAsync(Card card, string action, params object[] events)
        {
            await CardStore.UpdateAsync(Transaction, card, CancellationToken);
            await AuditAsync(card, action);
            foreach (var message in events) await Outbox.EnqueueAsync(Transaction, message, CancellationToken);
        }
    }

    /// <returns>The problem for a number that is not 12 digits or is mistyped, or null with the bare digits in <paramref name="number"/>.</returns>
    private static ProblemHttpResult? Read(string input, out string number) => CardNumber.TryRead(input, out number) switch
    {
        CardNumber.Reading.Valid => null,
        CardNumber.Reading.Mistyped => ApiProblem.BadRequest("card-number-mistyped"),
        _ => ApiProblem.BadRequest("card-number-invalid"),
    };

    // Events carry an age band, never the birth year; never the postal code or the voluntary answers.
    private static CardIssued Issued(Card card) => new()
    {
        CardId = card.Id, CardNumber = card.Number, Kind = card.Holder.Kind, AreaCode = card.AreaCode, DistributorId = card.DistributorId,
        IssuedOn = card.IssuedOn, ValidUntil = card.ValidUntil, Children = card.Holder.Children, GroupSize = card.Holder.GroupSize,
        AgeBand = card.Holder.AgeBandIn(card.IssuedOn.Year), ReplacesCardId = card.Replaces?.Id,
    };

    private static CardRenewed Renewed(Card card, DateTimeOffset now) => new()
    {
        CardId = card.Id, CardNumber = card.Number, Kind = card.Holder.Kind, AreaCode = card.AreaCode, DistributorId = card.DistributorId,
        RenewedOn = FinnishTime.DateOf(now), ValidUntil = card.ValidUntil, Children = card.Holder.Children, GroupSize = card.Holder.GroupSize,
        AgeBand = card.Holder.AgeBandIn(FinnishTime.DateOf(now).Year),
    };

    private static CardClosed ClosedEvent(Card card) => new()
    {
        CardId = card.Id, CardNumber = card.Number, Kind = card.Holder.Kind, AreaCode = card.AreaCode, DistributorId = card.DistributorId,
        Reason = card.CloseReason!, ClosedAt = card.ClosedAt!.Value, ReplacedByCardId = card.ReplacedBy?.Id, ReplacedByCardNumber = card.ReplacedBy?.Number,
    };
}

public sealed record CardRequest(
    Guid? DistributorId, string? Kind, int? BirthYear, string? PostalCode, int? Children, int? GroupSize, string? Gender, string? AgeGroup, string? LifeSituation,
    DateOnly? IssuedOn = null);

public sealed record CloseRequest(string? Reason);

/// <summary>A card's full record: only for its distributor, the area's coordinator and the national admin.</summary>
public sealed record CardResponse(
    Guid Id, string CardNumber, string Kind, string Status, DateOnly IssuedOn, DateOnly ValidUntil, int Children, int? GroupSize, string AreaCode,
    Guid DistributorId, int? BirthYear, string? PostalCode, string? Gender, string? AgeGroup, string? LifeSituation, DateTimeOffset? ClosedAt,
    string? CloseReason, string? ReplacesCardNumber, string? ReplacedByCardNumber)
{
    public static CardResponse From(Card card, DateOnly today) => new(
        card.Id, card.Number, card.Holder.Kind, CardSummary.StatusOf(card, today), card.IssuedOn, card.ValidUntil, card.Holder.Children, card.Holder.GroupSize,
        card.AreaCode, card.DistributorId, card.Holder.BirthYear, card.Holder.PostalCode, card.Holder.Gender, card.Holder.AgeGroup, card.Holder.LifeSituation,
        card.ClosedAt, card.CloseReason, card.Replaces?.Number, card.ReplacedBy?.Number);
}

/// <summary>A card in a distributor's list: what it is and whether it is valid, without the holder's answers.</summary>
public sealed record CardSummary(Guid Id, string CardNumber, string Kind, string Status, DateOnly IssuedOn, DateOnly ValidUntil, int Children, int? GroupSize)
{
    public static CardSummary From(Card card, DateOnly today) =>
        new(card.Id, card.Number, card.Holder.Kind, StatusOf(card, today), card.IssuedOn, card.ValidUntil, card.Holder.Children, card.Holder.GroupSize);

    /// <summary>active, expired or closed.</summary>
    public static string StatusOf(Card card, DateOnly today) => card.ValidityOn(today).Reason ?? "active";
}

public sealed record CardPageResponse(IReadOnlyList<CardSummary> Items, int Page, int PageSize, int Total);

/// <summary>What a venue needs at the ticket desk, and nothing more (DESIGN §5).</summary>
public sealed record CardStatusResponse(
    string CardNumber, bool Valid, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason, string Kind, DateOnly ValidUntil, int Children, int? GroupSize, string HomeArea);

public sealed record CardTotals
{
    public int CardsIssued { get; init; }
    public int Replacements { get; init; }
    public int ActiveCards { get; init; }
}

public sealed record AuditPageResponse(IReadOnlyList<AuditEntry> Items, int Page, int PageSize, int Total);
