using Dapper;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Redemptions;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Messaging;
using Kaikukortti.Statistics.Domain;
using Npgsql;

namespace Kaikukortti.Statistics.Messaging;

// The inbox applies each message once; these handlers also give the same totals whatever order the events arrive in.

public sealed class DistributorRegisteredHandler : IInboxHandler<DistributorRegistered>
{
    public Task HandleAsync(DistributorRegistered message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        Organizations.UpsertDistributorAsync(transaction, message.DistributorId, message.AreaCode, message.Active, message.RegisteredAt, cancellationToken);
}

public sealed class DistributorChangedHandler : IInboxHandler<DistributorChanged>
{
    public Task HandleAsync(DistributorChanged message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        Organizations.UpsertDistributorAsync(transaction, message.DistributorId, message.AreaCode, message.Active, message.ChangedAt, cancellationToken);
}

public sealed class VenueRegisteredHandler : IInboxHandler<VenueRegistered>
{
    public Task HandleAsync(VenueRegistered message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        Organizations.UpsertVenueAsync(transaction, message.VenueId, message.AreaCode, message.Name, message.Category, message.Active, message.RegisteredAt, cancellationToken);
}

public sealed class VenueChangedHandler : IInboxHandler<VenueChanged>
{
    public Task HandleAsync(VenueChanged message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        Organizations.UpsertVenueAsync(transaction, message.VenueId, message.AreaCode, message.Name, message.Category, message.Active, message.ChangedAt, cancellationToken);
}

public sealed class CardIssuedHandler : IInboxHandler<CardIssued>
{
    public Task HandleAsync(CardIssued message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        CardProjection.ApplyAsync(transaction, message.CardId, message.AreaCode, card => card.Issued(message.IssuedOn, message.ReplacesCardId is not null, message.ValidUntil), cancellationToken);
}

public sealed class CardRenewedHandler : IInboxHandler<CardRenewed>
{
    public Task HandleAsync(CardRenewed message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        CardProjection.ApplyAsync(transaction, message.CardId, message.AreaCode, card => card.Renewed(message.ValidUntil), cancellationToken);
}

public sealed class CardClosedHandler : IInboxHandler<CardClosed>
{
    public Task HandleAsync(CardClosed message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        CardProjection.ApplyAsync(transaction, message.CardId, message.AreaCode, card => card.ClosedNow(), cancellationToken);
}

public sealed class UseRecordedHandler : IInboxHandler<UseRecorded>
{
    public async Task HandleAsync(UseRecorded message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Counted unless its cancellation arrived first.
        var cancelledFirst = await transaction.Connection!.ExecuteScalarAsync<bool?>(new CommandDefinition("""
            INSERT INTO use_states (use_id, recorded, cancelled) VALUES (@UseId, true, false)
            ON CONFLICT (use_id) DO UPDATE SET recorded = true WHERE NOT use_states.recorded
            RETURNING cancelled
            """, new { message.UseId }, transaction, cancellationToken: cancellationToken));
        if (cancelledFirst == false) await UseProjection.AddAsync(transaction, UseProjection.Counted.Of(message), +1, cancellationToken);
    }
}

public sealed class UseCancelledHandler : IInboxHandler<UseCancelled>
{
    public async Task HandleAsync(UseCancelled message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Taken off only if it was counted; a cancellation that comes first leaves a mark so the use is never counted.
        var wasCounted = await transaction.Connection!.ExecuteScalarAsync<bool?>(new CommandDefinition("""
            INSERT INTO use_states (use_id, recorded, cancelled) VALUES (@UseId, false, true)
            ON CONFLICT (use_id) DO UPDATE SET cancelled = true WHERE NOT use_states.cancelled
            RETURNING recorded
            """, new { message.UseId }, transaction, cancellationToken: cancellationToken));
        if (wasCounted == true) await UseProjection.AddAsync(transaction, UseProjection.Counted.Of(message), -1, cancellationToken);
    }
}

internal static class Organizations
{
    public static Task UpsertDistributorAsync(NpgsqlTransaction transaction, Guid id, string areaCode, bool active, DateTimeOffset asOf, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO distributors (id, area_code, active, as_of) VALUES (@id, @areaCode, @active, @asOf)
            ON CONFLICT (id) DO UPDATE SET area_code = EXCLUDED.area_code, active = EXCLUDED.active, as_of = EXCLUDED.as_of WHERE distributors.as_of <= EXCLUDED.as_of
            """, new { id, areaCode, active, asOf = asOf.ToUniversalTime() }, transaction, cancellationToken: cancellationToken));

    public static Task UpsertVenueAsync(
        NpgsqlTransaction transaction, Guid id, string areaCode, Contracts.LocalizedName name, string category, bool active, DateTimeOffset asOf, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO venues (id, area_code, name_fi, name_sv, name_en, category, active, as_of) VALUES (@id, @areaCode, @fi, @sv, @en, @category, @active, @asOf)
            ON CONFLICT (id) DO UPDATE SET area_code = EXCLUDED.area_code, name_fi = EXCLUDED.name_fi, name_sv = EXCLUDED.name_sv, name_en = EXCLUDED.name_en,
                category = EXCLUDED.category, active = EXCLUDED.active, as_of = EXCLUDED.as_of
            WHERE venues.as_of <= EXCLUDED.as_of
            """, new { id, areaCode, fi = name.Fi, sv = name.Sv, en = name.En, category, active, asOf = asOf.ToUniversalTime() }, transaction, cancellationToken: cancellationToken));
}

internal static class CardProjection
{
    /// <summary>Moves the card from its old state to the new one and the counters with it.</summary>
    public static async Task ApplyAsync(NpgsqlTransaction transaction, Guid id, string areaCode, Func<CardState, CardState> change, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        // The row exists before it is read and locked, so two of a card's events handled at once apply one after the other.
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO cards (id, area_code) VALUES (@id, @areaCode) ON CONFLICT DO NOTHING", new { id, areaCode }, transaction, cancellationToken: cancellationToken));
        var before = (await connection.QuerySingleAsync<CardRow>(new CommandDefinition(
            "SELECT id, area_code, issued_on, replacement, valid_until, closed FROM cards WHERE id = @id FOR UPDATE", new { id }, transaction, cancellationToken: cancellationToken))).ToState();
        var after = change(before);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE cards SET issued_on = @IssuedOn, replacement = @Replacement, valid_until = @ValidUntil, closed = @Closed WHERE id = @Id
            """, after, transaction, cancellationToken: cancellationToken));

        if (before.IssuedOn is null && after.IssuedOn is { } issuedOn)
            await connection.ExecuteAsync(new CommandDefinition($"""
                INSERT INTO cards_registered (area_code, year, {(after.Replacement ? "replacements" : "cards")}) VALUES (@AreaCode, @year, 1)
                ON CONFLICT (area_code, year) DO UPDATE SET cards = cards_registered.cards + EXCLUDED.cards,
                    replacements = cards_registered.replacements + EXCLUDED.replacements
                """, new { after.AreaCode, year = issuedOn.Year }, transaction, cancellationToken: cancellationToken));
        if (before.ActiveThrough != after.ActiveThrough)
        {
            if (before.ActiveThrough is { } oldDay) await CountValidityAsync(transaction, after.AreaCode, oldDay, -1, cancellationToken);
            if (after.ActiveThrough is { } newDay) await CountValidityAsync(transaction, after.AreaCode, newDay, +1, cancellationToken);
        }
    }

    private static Task CountValidityAsync(NpgsqlTransaction transaction, string areaCode, DateOnly validUntil, int delta, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO card_validity (area_code, valid_until, cards) VALUES (@areaCode, @validUntil, @delta)
            ON CONFLICT (area_code, valid_until) DO UPDATE SET cards = card_validity.cards + EXCLUDED.cards
            """, new { areaCode, validUntil, delta }, transaction, cancellationToken: cancellationToken));

    private sealed class CardRow
    {
        public Guid Id { get; init; }
        public string AreaCode { get; init; } = "";
        public DateTime? IssuedOn { get; init; }
        public bool Replacement { get; init; }
        public DateTime? ValidUntil { get; init; }
        public bool Closed { get; init; }

        public CardState ToState() => new(Id, AreaCode, IssuedOn is { } i ? DateOnly.FromDateTime(i) : null, Replacement,
            ValidUntil is { } v ? DateOnly.FromDateTime(v) : null, Closed);
    }
}

internal static class UseProjection
{
    /// <summary>What the totals need of a use, from its recording or its cancellation alike.</summary>
    public sealed record Counted(Guid CardId, string CardHomeArea, Guid VenueId, string VenueArea, string Category, int Adults, int Children, int Assistants,
        DateTimeOffset OccurredAt)
    {
        public static Counted Of(UseRecorded use) =>
            new(use.CardId, use.CardHomeArea, use.VenueId, use.VenueArea, use.Category, use.Adults, use.Children, use.Assistants, use.OccurredAt);

        public static Counted Of(UseCancelled use) =>
            new(use.CardId, use.CardHomeArea, use.VenueId, use.VenueArea, use.Category, use.Adults, use.Children, use.Assistants, use.OccurredAt);
    }

    /// <summary>
    /// Adds (sign +1) or takes off (sign −1) a use in every counter it is part of, in one round trip: use_totals and its
    /// rollups (ADR 0007), which must move together to stay exact regroupings of it, and its card's years.
    /// </summary>
    public static Task AddAsync(NpgsqlTransaction transaction, Counted use, int sign, CancellationToken cancellationToken)
    {
        var day = FinnishTime.DateOf(use.OccurredAt);
        return transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO use_totals (month, venue_id, home_area, venue_area, category, adult_uses, child_uses, assistants)
            VALUES (@month, @VenueId, @CardHomeArea, @VenueArea, @Category, @adults, @children, @assistants)
            ON CONFLICT (month, venue_id, home_area, venue_area, category) DO UPDATE SET adult_uses = use_totals.adult_uses + EXCLUDED.adult_uses,
                child_uses = use_totals.child_uses + EXCLUDED.child_uses, assistants = use_totals.assistants + EXCLUDED.assistants;

            INSERT INTO use_area_months (month, venue_area, category, adult_uses, child_uses, assistants)
            VALUES (@month, @VenueArea, @Category, @adults, @children, @assistants)
            ON CONFLICT (month, venue_area, category) DO UPDATE SET adult_uses = use_area_months.adult_uses + EXCLUDED.adult_uses,
                child_uses = use_area_months.child_uses + EXCLUDED.child_uses, assistants = use_area_months.assistants + EXCLUDED.assistants;

            INSERT INTO use_flow_months (month, venue_area, home_area, adult_uses, child_uses, assistants)
            VALUES (@month, @VenueArea, @CardHomeArea, @adults, @children, @assistants)
            ON CONFLICT (month, venue_area, home_area) DO UPDATE SET adult_uses = use_flow_months.adult_uses + EXCLUDED.adult_uses,
                child_uses = use_flow_months.child_uses + EXCLUDED.child_uses, assistants = use_flow_months.assistants + EXCLUDED.assistants;

            INSERT INTO use_flow_years (year, venue_area, home_area, adult_uses, child_uses, assistants)
            VALUES (@year, @VenueArea, @CardHomeArea, @adults, @children, @assistants)
            ON CONFLICT (year, venue_area, home_area) DO UPDATE SET adult_uses = use_flow_years.adult_uses + EXCLUDED.adult_uses,
                child_uses = use_flow_years.child_uses + EXCLUDED.child_uses, assistants = use_flow_years.assistants + EXCLUDED.assistants;

            -- The card's uses in the year and of all time (year 0). A card is taken into use in a period with its first use
            -- there, and no longer once its last one there is cancelled.
            WITH card_years AS (
                INSERT INTO card_use_years (card_id, year, uses) VALUES (@CardId, @year, @tickets), (@CardId, 0, @tickets)
                ON CONFLICT (card_id, year) DO UPDATE SET uses = card_use_years.uses + EXCLUDED.uses
                RETURNING year, uses - @tickets AS uses_before, uses AS uses_after
            )
            INSERT INTO cards_taken_into_use (home_area, year, cards)
            SELECT @CardHomeArea, year, CASE WHEN uses_after > 0 THEN 1 ELSE -1 END FROM card_years
            WHERE (uses_before = 0 AND uses_after > 0) OR (uses_before > 0 AND uses_after = 0)
            ON CONFLICT (home_area, year) DO UPDATE SET cards = cards_taken_into_use.cards + EXCLUDED.cards
            """, new
            {
                month = new DateOnly(day.Year, day.Month, 1), year = day.Year, use.VenueId, use.VenueArea, use.CardHomeArea, use.Category, use.CardId,
                adults = sign * use.Adults, children = sign * use.Children, assistants = sign * use.Assistants, tickets = sign * (use.Adults + use.Children),
            }, transaction, cancellationToken: cancellationToken));
    }
}
