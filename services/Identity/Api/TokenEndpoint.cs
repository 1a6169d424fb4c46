using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Serialization;
using Kaikukortti.Identity.Data;
using Kaikukortti.Identity.Domain;
using Kaikukortti.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Kaikukortti.Identity.Api;

/// <summary>OAuth 2.0 client credentials (RFC 6749 §4.4): a site client trades its id and secret for a bearer token.</summary>
public static class TokenEndpoint
{
    public static RouteHandlerBuilder MapTokenEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost("/connect/token", IssueToken)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("Tokens")
            .WithName("IssueToken")
            .WithSummary("Get an access token")
            .WithDescription("""
                OAuth 2.0 client credentials. Send `grant_type=client_credentials&client_id=…&client_secret=…` form-encoded
                (or the id and secret with HTTP Basic). The token is valid for 15 minutes; send it as `Authorization: Bearer …`.
                After five wrong secrets in a row a client id is locked for a while (429 with Retry-After).
                """)
            .Produces<TokenResponse>()
            .Produces<TokenError>(StatusCodes.Status400BadRequest)
            .Produces<TokenError>(StatusCodes.Status401Unauthorized)
            .Produces<TokenError>(StatusCodes.Status429TooManyRequests);

    public static async Task<Results<Ok<TokenResponse>, JsonHttpResult<TokenError>>> IssueToken(
        HttpContext context, NpgsqlDataSource dataSource, SecretThrottle throttle, TokenIssuer issuer, CancellationToken cancellationToken)
    {
        // RFC 6749 §5.1: token responses must not be cached.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (!context.Request.HasFormContentType)
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "Send the parameters form-encoded (application/x-www-form-urlencoded).");

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException e)
        {
            // The form reader's limits (fields, key and value lengths) throw this: the caller's form, not our fault.
            return Error(StatusCodes.Status400BadRequest, "invalid_request", e.Message);
        }
        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0) return Error(StatusCodes.Status400BadRequest, "invalid_request", "grant_type is missing.");
        if (grantType != "client_credentials") return Error(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");

        var basic = BasicCredentials(context.Request);
        var formId = form["client_id"].ToString();
        var formSecret = form["client_secret"].ToString();
        if (basic is not null && (formId.Length > 0 || formSecret.Length > 0))
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "Authenticate with HTTP Basic or with form parameters, not both.");
        var (clientId, secret) = basic ?? (formId, formSecret);
        if (clientId.Length == 0 || secret.Length == 0)
            return InvalidClient(context, basic is not null, "client_id and client_secret are required.");
        // No client id holds U+0000, and PostgreSQL cannot even compare text that does.
        if (clientId.Contains('\0')) return InvalidClient(context, basic is not null, "Client authentication failed.");

        if (throttle.RetryAfter(clientId) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString();
            return Error(StatusCodes.Status429TooManyRequests, "temporarily_unavailable", $"Too many wrong secrets for this client; try again in {seconds} s.");
        }

        var client = await ClientStore.FindAsync(dataSource, clientId, cancellationToken);
        if (!ClientSecrets.Verify(client?.SecretHash, secret))
        {
            throttle.Failed(clientId);
            return InvalidClient(context, basic is not null, "Client authentication failed.");
        }
        throttle.Succeeded(clientId);
        if (client!.RevokedAt is not null) return InvalidClient(context, basic is not null, "Client authentication failed.");

        return TypedResults.Ok(new TokenResponse(issuer.Issue(client.Client), "Bearer", (int)TokenIssuer.Lifetime.TotalSeconds));
    }

    private static JsonHttpResult<TokenError> InvalidClient(HttpContext context, bool usedBasic, string description)
    {
        // RFC 6749 §5.2: a client that tried HTTP Basic is told which scheme to use.
        if (usedBasic) context.Response.Headers.WWWAuthenticate = "Basic realm=\"kaikukortti\"";
        return Error(StatusCodes.Status401Unauthorized, "invalid_client", description);
    }

    private static JsonHttpResult<TokenError> Error(int status, string error, string description) =>
        TypedResults.Json(new TokenError(error, description), statusCode: status);

    /// <summary>RFC 6749 §2.3.1: the id and secret are form-encoded, then joined with ':' and base64-encoded.</summary>
    private static (string Id, string Secret)? BasicCredentials(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) ||
            !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null) return null;
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)).Split(':', 2);
            return parts.Length == 2 ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1])) : ("", "");
        }
        catch (FormatException)
        {
            return ("", "");
        }
    }
}

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

/// <summary>An RFC 6749 §5.2 error.</summary>
public sealed record TokenError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription);
