using Dapper;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Messaging;
using Npgsql;

namespace Kaikukortti.Identity.Messaging;

// Identity keeps only where each area, venue and distributor is: enough to check a client's scope.

public sealed class AreaRegisteredHandler : IInboxHandler<AreaRegistered>
{
    public Task HandleAsync(AreaRegistered message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            "INSERT INTO areas (code) VALUES (@AreaCode) ON CONFLICT DO NOTHING", new { message.AreaCode }, transaction, cancellationToken: cancellationToken));
}

public sealed class VenueRegisteredHandler : IInboxHandler<VenueRegistered>
{
    public Task HandleAsync(VenueRegistered message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        VenueArea.UpsertAsync(transaction, message.VenueId, message.AreaCode, cancellationToken);
}

public sealed class VenueChangedHandler : IInboxHandler<VenueChanged>
{
    public Task HandleAsync(VenueChanged message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        VenueArea.UpsertAsync(transaction, message.VenueId, message.AreaCode, cancellationToken);
}

public sealed class DistributorRegisteredHandler : IInboxHandler<DistributorRegistered>
{
    public Task HandleAsync(DistributorRegistered message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO distributors (distributor_id, area_code) VALUES (@DistributorId, @AreaCode)
            ON CONFLICT (distributor_id) DO UPDATE SET area_code = EXCLUDED.area_code
            """, new { message.DistributorId, message.AreaCode }, transaction, cancellationToken: cancellationToken));
}

internal static class VenueArea
{
    public static Task UpsertAsync(NpgsqlTransaction transaction, Guid venueId, string areaCode, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO venues (venue_id, area_code) VALUES (@venueId, @areaCode)
            ON CONFLICT (venue_id) DO UPDATE SET area_code = EXCLUDED.area_code
            """, new { venueId, areaCode }, transaction, cancellationToken: cancellationToken));
}
