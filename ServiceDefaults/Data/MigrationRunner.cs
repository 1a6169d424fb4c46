using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kaikukortti.ServiceDefaults.Data;

/// <summary>
/// Applies forward-only migrations, each in its own transaction together with its row in <c>schema_migrations</c>.
/// A session advisory lock makes concurrent starts of the same service wait for each other instead of racing.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // Any constant works: it only has to be the same for every instance sharing a database.
    private const long AdvisoryLockKey = 0x4B41494B55; // "KAIKU"

    public async Task<IReadOnlyList<string>> ApplyAsync(IEnumerable<Migration> migrations, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@AdvisoryLockKey)", new { AdvisoryLockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id         text PRIMARY KEY,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<(string Id, string Checksum)>(
                new CommandDefinition("SELECT id, checksum FROM schema_migrations", cancellationToken: cancellationToken)))
                .ToDictionary(m => m.Id, m => m.Checksum);

            var appliedNow = new List<string>();
            foreach (var migration in migrations)
            {
                if (applied.TryGetValue(migration.Id, out var checksum))
                {
                    // Forward-only: an applied migration that was edited afterwards would leave databases diverged.
                    if (checksum != migration.Checksum)
                        throw new InvalidOperationException($"Migration {migration.Id} was changed after it was applied; add a new migration instead.");
                    continue;
                }
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (id, checksum) VALUES (@Id, @Checksum)",
                    new { migration.Id, migration.Checksum }, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Migration}", migration.Id);
                appliedNow.Add(migration.Id);
            }
            return appliedNow;
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@AdvisoryLockKey)", new { AdvisoryLockKey });
        }
    }
}
