using Dapper;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Messaging;
using Npgsql;

namespace Kaikukortti.Statistics.Messaging;

public sealed class AreaRegisteredHandler : IInboxHandler<AreaRegistered>
{
    public Task HandleAsync(AreaRegistered message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO areas (code, municipalities) VALUES (@AreaCode, @Municipalities)
            ON CONFLICT (code) DO UPDATE SET municipalities = EXCLUDED.municipalities
            """,
            new { message.AreaCode, Municipalities = message.Municipalities.ToArray() },
            transaction, cancellationToken: cancellationToken));
}
