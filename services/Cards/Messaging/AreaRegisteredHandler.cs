using Dapper;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Messaging;
using Npgsql;

namespace Kaikukortti.Cards.Messaging;

/// <summary>Cards knows of areas only that they exist: enough to place a distributor in one.</summary>
public sealed class AreaRegisteredHandler : IInboxHandler<AreaRegistered>
{
    public Task HandleAsync(AreaRegistered message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            "INSERT INTO areas (code) VALUES (@AreaCode) ON CONFLICT DO NOTHING", new { message.AreaCode }, transaction, cancellationToken: cancellationToken));
}
