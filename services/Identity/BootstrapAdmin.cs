using Kaikukortti.Identity.Data;
using Kaikukortti.Identity.Domain;
using Npgsql;

namespace Kaikukortti.Identity;

/// <summary>
/// Keeps the bootstrap national admin (<c>kaiku-admin</c>) in step with <c>KAIKU_ADMIN_SECRET</c>: created on the
/// first start, its secret replaced when the variable changes. Runs after the migrations.
/// </summary>
internal sealed class BootstrapAdmin(NpgsqlDataSource dataSource, IConfiguration configuration, TimeProvider clock, ILogger<BootstrapAdmin> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration["KAIKU_ADMIN_SECRET"] is not { Length: > 0 } secret)
        {
            logger.LogWarning("KAIKU_ADMIN_SECRET is not set: no bootstrap admin client");
            return;
        }
        var changed = await ClientStore.EnsureBootstrapAdminAsync(dataSource, AuthExtensions.BootstrapAdminClientId,
            hash => hash is not null && ClientSecrets.Verify(hash, secret) ? null : ClientSecrets.Hash(secret), clock.GetUtcNow(), cancellationToken);
        if (changed) logger.LogInformation("Bootstrap admin {ClientId} created or given the configured secret", AuthExtensions.BootstrapAdminClientId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
