using Dapper;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Messaging;
using Npgsql;

namespace Kaikukortti.Redemptions.Messaging;

// Each handler is safe against redelivery (the inbox applies it once) and against events arriving out of order: a card
// once closed stays closed, validity only grows, and a venue or offering row changes only for a newer event.

public sealed class CardIssuedHandler : IInboxHandler<CardIssued>
{
    public Task HandleAsync(CardIssued message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO cards (id, card_number, kind, area_code, distributor_id, issued_on, valid_until, children, group_size)
            VALUES (@CardId, @CardNumber, @Kind, @AreaCode, @DistributorId, @IssuedOn, @ValidUntil, @Children, @GroupSize)
            ON CONFLICT (id) DO UPDATE SET issued_on = EXCLUDED.issued_on, children = EXCLUDED.children, group_size = EXCLUDED.group_size,
                valid_until = GREATEST(cards.valid_until, EXCLUDED.valid_until)
            """, message, transaction, cancellationToken: cancellationToken));
}

public sealed class CardRenewedHandler : IInboxHandler<CardRenewed>
{
    public Task HandleAsync(CardRenewed message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO cards (id, card_number, kind, area_code, distributor_id, valid_until, children, group_size)
            VALUES (@CardId, @CardNumber, @Kind, @AreaCode, @DistributorId, @ValidUntil, @Children, @GroupSize)
            ON CONFLICT (id) DO UPDATE SET valid_until = GREATEST(cards.valid_until, EXCLUDED.valid_until)
            """, message, transaction, cancellationToken: cancellationToken));
}

public sealed class CardClosedHandler : IInboxHandler<CardClosed>
{
    public Task HandleAsync(CardClosed message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO cards (id, card_number, kind, area_code, distributor_id, closed_at)
            VALUES (@CardId, @CardNumber, @Kind, @AreaCode, @DistributorId, @ClosedAt)
            ON CONFLICT (id) DO UPDATE SET closed_at = LEAST(COALESCE(cards.closed_at, EXCLUDED.closed_at), EXCLUDED.closed_at)
            """, new { message.CardId, message.CardNumber, message.Kind, message.AreaCode, message.DistributorId, ClosedAt = message.ClosedAt.ToUniversalTime() }, transaction, cancellationToken: cancellationToken));
}

public sealed class VenueRegisteredHandler : IInboxHandler<VenueRegistered>
{
    public Task HandleAsync(VenueRegistered message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        VenueReplicas.UpsertAsync(transaction, message.VenueId, message.AreaCode, message.Category, message.AcceptsOtherAreas, message.Active, message.RegisteredAt, cancellationToken);
}

public sealed class VenueChangedHandler : IInboxHandler<VenueChanged>
{
    public Task HandleAsync(VenueChanged message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        VenueReplicas.UpsertAsync(transaction, message.VenueId, message.AreaCode, message.Category, message.AcceptsOtherAreas, message.Active, message.ChangedAt, cancellationToken);
}

public sealed class OfferingPublishedHandler : IInboxHandler<OfferingPublished>
{
    public Task HandleAsync(OfferingPublished message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        VenueReplicas.UpsertOfferingAsync(transaction, message.OfferingId, message.VenueId, message.Kind, message.Quota, message.PublishedAt, cancellationToken);
}

public sealed class OfferingChangedHandler : IInboxHandler<OfferingChanged>
{
    public Task HandleAsync(OfferingChanged message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        VenueReplicas.UpsertOfferingAsync(transaction, message.OfferingId, message.VenueId, message.Kind, message.Quota, message.ChangedAt, cancellationToken);
}

internal static class VenueReplicas
{
    public static Task UpsertAsync(
        NpgsqlTransaction transaction, Guid id, string areaCode, string category, bool acceptsOtherAreas, bool active, DateTimeOffset asOf, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO venues (id, area_code, category, accepts_other_areas, active, as_of) VALUES (@id, @areaCode, @category, @acceptsOtherAreas, @active, @asOf)
            ON CONFLICT (id) DO UPDATE SET area_code = EXCLUDED.area_code, category = EXCLUDED.category, accepts_other_areas = EXCLUDED.accepts_other_areas,
                active = EXCLUDED.active, as_of = EXCLUDED.as_of
            WHERE venues.as_of <= EXCLUDED.as_of
            """, new { id, areaCode, category, acceptsOtherAreas, active, asOf = asOf.ToUniversalTime() }, transaction, cancellationToken: cancellationToken));

    public static Task UpsertOfferingAsync(
        NpgsqlTransaction transaction, Guid id, Guid venueId, string kind, Quota? quota, DateTimeOffset asOf, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO offerings (id, venue_id, kind, quota_tickets, quota_per, as_of) VALUES (@id, @venueId, @kind, @tickets, @per, @asOf)
            ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, quota_tickets = EXCLUDED.quota_tickets, quota_per = EXCLUDED.quota_per, as_of = EXCLUDED.as_of
            WHERE offerings.as_of <= EXCLUDED.as_of
            """, new { id, venueId, kind, tickets = quota?.Tickets, per = quota?.Per, asOf = asOf.ToUniversalTime() }, transaction, cancellationToken: cancellationToken));
}
