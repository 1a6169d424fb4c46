using System.Collections.Frozen;
using System.Security.Claims;
using System.Text.Json;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Kaikukortti.Gateway;

/// <summary>
/// Refuses a presented token that is not accepted — malformed, expired, or its client revoked — with 401 on every
/// route, public ones included: a partner must learn that its token is bad rather than silently become anonymous.
/// </summary>
public static class TokenChecks
{
    public const string InvalidTokenCode = "invalid-token";

    /// <summary>Where the Identity service lists the clients revoked in the last 20 minutes; internal only, never routed.</summary>
    public const string RevokedClientsPath = "/internal/revoked-clients";

    private static readonly ProblemText NotAccepted = new(
        "se on vanhentunut tai virheellinen; hae uusi tunniste osoitteesta /connect/token.",
        "den har gått ut eller är ogiltig; hämta en ny från /connect/token.",
        "it has expired or is not valid; request a new one from /connect/token.");

    private static readonly ProblemText Revoked = new(
        "asiakkaan käyttöoikeus on peruttu.",
        "klientens behörighet har återkallats.",
        "the client has been revoked.");

    public static IHostApplicationBuilder AddTokenChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ProblemTextOptions>(texts => texts.Add(InvalidTokenCode,
            "Pääsytunnistetta ei hyväksytty: {0}",
            "Åtkomsttoken godtogs inte: {0}",
            "The access token was not accepted: {0}"));
        builder.Services.AddOptions<RevocationOptions>().BindConfiguration(RevocationOptions.Section)
            .Validate(options => options.RevocationPollInterval > TimeSpan.Zero, "Gateway:RevocationPollInterval must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<RevokedClients>();
        builder.Services.AddHttpClient(RevocationPoller.HttpClientName, (services, client) =>
        {
            client.BaseAddress = new Uri(services.GetRequiredService<ServiceDirectory>().Urls["identity"]);
            client.Timeout = TimeSpan.FromSeconds(2);
        });
        builder.Services.AddHostedService<RevocationPoller>();
        return builder;
    }

    /// <summary>
    /// Runs before authorization: on a public route authorization lets a request with a bad token through as
    /// anonymous, and on any other route it would answer 401 <c>unauthorized</c> without saying the token is the problem.
    /// </summary>
    public static WebApplication UseTokenChecks(this WebApplication app)
    {
        app.Use(RefuseBadTokensAsync);
        return app;
    }

    private static async Task RefuseBadTokensAsync(HttpContext context, RequestDelegate next)
    {
        // The handler caches its result per request: the authentication middleware does not validate the token again.
        var result = await context.AuthenticateAsync();
        if (result.Failure is not null)
        {
            await RefuseAsync(context, NotAccepted);
            return;
        }
        if (result.Principal?.FindFirstValue(KaikuClaims.ClientId) is { } clientId
            && context.RequestServices.GetRequiredService<RevokedClients>().Contains(clientId))
        {
            await RefuseAsync(context, Revoked);
            return;
        }
        await next(context);
    }

    private static Task RefuseAsync(HttpContext context, ProblemText reason)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        var language = ProblemDetailsSetup.PreferredLanguage(context.Request);
        return ApiProblem.Create(StatusCodes.Status401Unauthorized, InvalidTokenCode, reason.In(language)).ExecuteAsync(context);
    }
}

public sealed class RevocationOptions
{
    public const string Section = "Gateway";

    /// <summary>How often the gateway asks the Identity service for revoked clients (<c>Gateway:RevocationPollInterval</c>).</summary>
    public TimeSpan RevocationPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>The clients whose tokens are refused although still unexpired: the last list the Identity service gave.</summary>
public sealed class RevokedClients
{
    private volatile FrozenSet<string> clients = FrozenSet<string>.Empty;

    public bool Contains(string clientId) => clients.Contains(clientId);

    public int Count => clients.Count;

    public void Replace(IEnumerable<string> clientIds) => clients = clientIds.ToFrozenSet(StringComparer.Ordinal);
}

/// <summary>
/// Polls the Identity service for revoked clients. A failed poll keeps the last good list, so whoever was revoked stays
/// refused while the Identity service is down (and nobody can be revoked meanwhile: revoking goes through it).
/// </summary>
public sealed class RevocationPoller(IHttpClientFactory httpClients, RevokedClients revoked, IOptions<RevocationOptions> options, ILogger<RevocationPoller> logger)
    : BackgroundService
{
    public const string HttpClientName = "identity";

    private bool failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevocationPollInterval);
        do
        {
            await PollAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        try
        {
            var identity = httpClients.CreateClient(HttpClientName);
            revoked.Replace(await identity.GetFromJsonAsync<string[]>(TokenChecks.RevokedClientsPath, cancellationToken) ?? []);
            if (failing) logger.LogInformation("The revoked clients are known again ({Count} revoked)", revoked.Count);
            failing = false;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Once per outage, not once per poll.
            if (!failing) logger.LogWarning(e, "Could not fetch the revoked clients from the Identity service; keeping the last {Count} known until it answers", revoked.Count);
            failing = true;
        }
    }
}
