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
    public Task HandleAsync(UseRecorded message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        HandleAsync([message], transaction, cancellationToken);

    // Counted unless its cancellation arrived first.
    public Task HandleAsync(IReadOnlyList<UseRecorded> messages, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        UseProjection.ApplyAsync(transaction, [.. messages.Select(UseProjection.Counted.Of)], """
            WITH marked AS (
                INSERT INTO use_states (use_id, recorded, cancelled) SELECT use_id, true, false FROM unnest(@useIds) AS use_id ORDER BY use_id
                ON CONFLICT (use_id) DO UPDATE SET recorded = true WHERE NOT use_states.recorded
                RETURNING use_id, cancelled
            )
            SELECT use_id FROM marked WHERE NOT cancelled
            """, +1, cancellationToken);
}

public sealed class UseCancelledHandler : IInboxHandler<UseCancelled>
{
    public Task HandleAsync(UseCancelled message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        HandleAsync([message], transaction, cancellationToken);

    // Taken off only if it was counted; a cancellation that comes first leaves a mark so the use is never counted.
    public Task HandleAsync(IReadOnlyList<UseCancelled> messages, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        UseProjection.ApplyAsync(transaction, [.. messages.Select(UseProjection.Counted.Of)], """
            WITH marked AS (
                INSERT INTO use_states (use_id, recorded, cancelled) SELECT use_id, false, true FROM unnest(@useIds) AS use_id ORDER BY use_id
                ON CONFLICT (use_id) DO UPDATE SET cancelled = true WHERE NOT use_states.cancelled
                RETURNING use_id, recorded
            )
            SELECT use_id FROM marked WHERE recorded
            """, -1, cancellationToken);
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

/// <remarks>
/// A batch of use events costs two round trips whatever its size: one marks the uses in use_states, the other writes each
/// counter table with one statement. Each statement writes its rows in key order, so that uses recorded and uses cancelled,
/// applied side by side, lock the rows they share in the same order instead of deadlocking.
/// </remarks>
internal static class UseProjection
{
    /// <summary>What the totals need of a use, from its recording or its cancellation alike.</summary>
    public sealed record Counted(Guid UseId, Guid CardId, string CardHomeArea, Guid VenueId, string VenueArea, string Category, int Adults, int Children, int Assistants,
        DateTimeOffset OccurredAt)
    {
        /// <summary>The day in Helsinki the use happened on, which its month and year count it in.</summary>
        private DateOnly Day { get; } = FinnishTime.DateOf(OccurredAt);

        public DateOnly Month => new(Day.Year, Day.Month, 1);
        public int Year => Day.Year;

        public static Counted Of(UseRecorded use) =>
            new(use.UseId, use.CardId, use.CardHomeArea, use.VenueId, use.VenueArea, use.Category, use.Adults, use.Children, use.Assistants, use.OccurredAt);

        public static Counted Of(UseCancelled use) =>
            new(use.UseId, use.CardId, use.CardHomeArea, use.VenueId, use.VenueArea, use.Category, use.Adults, use.Children, use.Assistants, use.OccurredAt);
    }

    /// <summary>
    /// Marks the uses in use_states with <paramref name="markSql"/>, which names the ones to count, and adds (sign +1) or
    /// takes off (sign −1) those. A use announced twice in the batch is marked and counted once: one statement cannot
    /// update a row twice.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlTransaction transaction, IReadOnlyList<Counted> uses, string markSql, int sign, CancellationToken cancellationToken)
    {
        var distinct = uses.DistinctBy(use => use.UseId).ToList();
        var toCount = (await transaction.Connection!.QueryAsync<Guid>(new CommandDefinition(
            markSql, new { useIds = distinct.Select(use => use.UseId).ToArray() }, transaction, cancellationToken: cancellationToken))).ToHashSet();
        await AddAsync(transaction, [.. distinct.Where(use => toCount.Contains(use.UseId))], sign, cancellationToken);
    }

    /// <summary>
    /// Adds (sign +1) or takes off (sign −1) the uses in every counter they are part of, in one round trip: use_totals and
    /// its rollups (ADR 0007), which must move together to stay exact regroupings of it, and the cards' years. The uses
    /// are summed per row of each table first, as one statement cannot update a row twice.
    /// </summary>
    private static Task AddAsync(NpgsqlTransaction transaction, IReadOnlyCollection<Counted> uses, int sign, CancellationToken cancellationToken)
    {
        if (uses.Count == 0) return Task.CompletedTask;
        var totals = Sum(uses, use => (use.Month, use.VenueId, use.CardHomeArea, use.VenueArea, use.Category), sign);
        var areaMonths = Sum(uses, use => (use.Month, use.VenueArea, use.Category), sign);
        var flowMonths = Sum(uses, use => (use.Month, use.VenueArea, use.CardHomeArea), sign);
        var flowYears = Sum(uses, use => (use.Year, use.VenueArea, use.CardHomeArea), sign);
        // A card's uses (adults and children) in the year and of all time (year 0). Its home area never changes, so any of
        // its uses tells it.
        var cards = uses.SelectMany(use => new[] { (Use: use, use.Year), (Use: use, Year: 0) })
            .GroupBy(u => (u.Use.CardId, u.Year), u => u.Use)
            .Select(card => (card.Key.CardId, card.Key.Year, card.First().CardHomeArea, Uses: sign * card.Sum(use => use.Adults + use.Children)))
            .ToList();
        return transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO use_totals (month, venue_id, home_area, venue_area, category, adult_uses, child_uses, assistants)
            SELECT * FROM unnest(@totalMonths, @totalVenueIds, @totalHomeAreas, @totalVenueAreas, @totalCategories, @totalAdults, @totalChildren, @totalAssistants)
                AS t(month, venue_id, home_area, venue_area, category, adult_uses, child_uses, assistants)
            ORDER BY month, venue_id, home_area, venue_area, category
            ON CONFLICT (month, venue_id, home_area, venue_area, category) DO UPDATE SET adult_uses = use_totals.adult_uses + EXCLUDED.adult_uses,
                child_uses = use_totals.child_uses + EXCLUDED.child_uses, assistants = use_totals.assistants + EXCLUDED.assistants;

            INSERT INTO use_area_months (month, venue_area, category, adult_uses, child_uses, assistants)
            SELECT * FROM unnest(@areaMonths, @areaVenueAreas, @areaCategories, @areaAdults, @areaChildren, @areaAssistants)
                AS t(month, venue_area, category, adult_uses, child_uses, assistants) ORDER BY month, venue_area, category
            ON CONFLICT (month, venue_area, category) DO UPDATE SET adult_uses = use_area_months.adult_uses + EXCLUDED.adult_uses,
                child_uses = use_area_months.child_uses + EXCLUDED.child_uses, assistants = use_area_months.assistants + EXCLUDED.assistants;

            INSERT INTO use_flow_months (month, venue_area, home_area, adult_uses, child_uses, assistants)
            SELECT * FROM unnest(@flowMonths, @flowMonthVenueAreas, @flowMonthHomeAreas, @flowMonthAdults, @flowMonthChildren, @flowMonthAssistants)
                AS t(month, venue_area, home_area, adult_uses, child_uses, assistants) ORDER BY month, venue_area, home_area
            ON CONFLICT (month, venue_area, home_area) DO UPDATE SET adult_uses = use_flow_months.adult_uses + EXCLUDED.adult_uses,
                child_uses = use_flow_months.child_uses + EXCLUDED.child_uses, assistants = use_flow_months.assistants + EXCLUDED.assistants;

            INSERT INTO use_flow_years (year, venue_area, home_area, adult_uses, child_uses, assistants)
            SELECT * FROM unnest(@flowYears, @flowYearVenueAreas, @flowYearHomeAreas, @flowYearAdults, @flowYearChildren, @flowYearAssistants)
                AS t(year, venue_area, home_area, adult_uses, child_uses, assistants) ORDER BY year, venue_area, home_area
            ON CONFLICT (year, venue_area, home_area) DO UPDATE SET adult_uses = use_flow_years.adult_uses + EXCLUDED.adult_uses,
                child_uses = use_flow_years.child_uses + EXCLUDED.child_uses, assistants = use_flow_years.assistants + EXCLUDED.assistants;

            -- A card is taken into use in a period with its first use there, and no longer once its last one there is cancelled.
            WITH delta AS (
                SELECT * FROM unnest(@cardIds, @cardYears, @cardHomeAreas, @cardUses) AS t(card_id, year, home_area, uses)
            ), card_years AS (
                INSERT INTO card_use_years (card_id, year, uses) SELECT card_id, year, uses FROM delta ORDER BY card_id, year
                ON CONFLICT (card_id, year) DO UPDATE SET uses = card_use_years.uses + EXCLUDED.uses
                RETURNING card_id, year, uses
            ), moved AS (
                SELECT delta.home_area, delta.year, card_years.uses - delta.uses AS uses_before, card_years.uses AS uses_after
                FROM card_years JOIN delta USING (card_id, year)
            )
            INSERT INTO cards_taken_into_use (home_area, year, cards)
            SELECT home_area, year, sum(CASE WHEN uses_after > 0 THEN 1 ELSE -1 END) FROM moved
            WHERE (uses_before = 0 AND uses_after > 0) OR (uses_before > 0 AND uses_after = 0)
            GROUP BY home_area, year ORDER BY home_area, year
            ON CONFLICT (home_area, year) DO UPDATE SET cards = cards_taken_into_use.cards + EXCLUDED.cards
            """, new
            {
                totalMonths = totals.Key(k => k.Month), totalVenueIds = totals.Key(k => k.VenueId), totalHomeAreas = totals.Key(k => k.CardHomeArea),
                totalVenueAreas = totals.Key(k => k.VenueArea), totalCategories = totals.Key(k => k.Category),
                totalAdults = totals.Adults, totalChildren = totals.Children, totalAssistants = totals.Assistants,
                areaMonths = areaMonths.Key(k => k.Month), areaVenueAreas = areaMonths.Key(k => k.VenueArea), areaCategories = areaMonths.Key(k => k.Category),
                areaAdults = areaMonths.Adults, areaChildren = areaMonths.Children, areaAssistants = areaMonths.Assistants,
                flowMonths = flowMonths.Key(k => k.Month), flowMonthVenueAreas = flowMonths.Key(k => k.VenueArea), flowMonthHomeAreas = flowMonths.Key(k => k.CardHomeArea),
                flowMonthAdults = flowMonths.Adults, flowMonthChildren = flowMonths.Children, flowMonthAssistants = flowMonths.Assistants,
                flowYears = flowYears.Key(k => k.Year), flowYearVenueAreas = flowYears.Key(k => k.VenueArea), flowYearHomeAreas = flowYears.Key(k => k.CardHomeArea),
                flowYearAdults = flowYears.Adults, flowYearChildren = flowYears.Children, flowYearAssistants = flowYears.Assistants,
                cardIds = cards.Select(c => c.CardId).ToArray(), cardYears = cards.Select(c => c.Year).ToArray(),
                cardHomeAreas = cards.Select(c => c.CardHomeArea).ToArray(), cardUses = cards.Select(c => c.Uses).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The uses' adults, children and assistants (times <paramref name="sign"/>) summed per key.</summary>
    private static Sums<TKey> Sum<TKey>(IEnumerable<Counted> uses, Func<Counted, TKey> key, int sign)
    {
        var rows = uses.GroupBy(key).ToList();
        return new([.. rows.Select(r => r.Key)], [.. rows.Select(r => sign * r.Sum(use => use.Adults))], [.. rows.Select(r => sign * r.Sum(use => use.Children))],
            [.. rows.Select(r => sign * r.Sum(use => use.Assistants))]);
    }

    /// <summary>One counter table's rows as columns, as <c>unnest</c> takes them.</summary>
    private sealed record Sums<TKey>(TKey[] Keys, int[] Adults, int[] Children, int[] Assistants)
    {
        public T[] Key<T>(Func<TKey, T> part) => [.. Keys.Select(part)];
    }
}
