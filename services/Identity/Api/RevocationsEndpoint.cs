using Kaikukortti.Identity.Data;
using Kaikukortti.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Kaikukortti.Identity.Api;

/// <summary>
/// For the gateway, on the internal address only (the gateway routes no <c>/internal</c> path): clients revoked
/// recently enough that tokens issued to them before the revocation may still be unexpired.
/// </summary>
public static class RevocationsEndpoint
{
    private static readonly TimeSpan Window = TokenIssuer.Lifetime + TimeSpan.FromMinutes(5);

    public static RouteHandlerBuilder MapRevocationsEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/internal/revoked-clients", RevokedClients).AllowAnonymous().ExcludeFromDescription();

    public static async Task<Ok<IReadOnlyList<string>>> RevokedClients(NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ClientStore.RevokedSinceAsync(dataSource, clock.GetUtcNow() - Window, cancellationToken));
}
