using System.Text.Json;
using Kaikukortti.ServiceDefaults.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Kaikukortti.ServiceDefaults.Problems;

/// <summary>
/// Every error a service answers is RFC 9457 problem+json with a stable <c>code</c> and a title and detail in the
/// caller's Accept-Language (fi, sv or en; Finnish by default).
/// </summary>
public static class ProblemDetailsSetup
{
    public static readonly string[] Languages = ["fi", "sv", "en"];

    public static IServiceCollection AddKaikuProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var texts = context.HttpContext.RequestServices.GetRequiredService<IOptions<ProblemTextOptions>>().Value;
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            var language = PreferredLanguage(context.HttpContext.Request);
            var code = problem.Extensions.TryGetValue("code", out var value) && value is string given ? given : DefaultCode(status);

            problem.Status = status;
            problem.Type = null;
            problem.Title = StatusTitle(status).In(language);
            problem.Extensions["code"] = code;
            if (texts.Detail(code, language, (problem as CodedProblemDetails)?.Args ?? []) is { } detail) problem.Detail = detail;
            context.HttpContext.Response.Headers.ContentLanguage = language;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }

    public static string PreferredLanguage(HttpRequest request)
    {
        if (!StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptLanguage, out var accepted)) return "fi";
        foreach (var candidate in accepted.OrderByDescending(a => a.Quality ?? 1))
        {
            var tag = candidate.Value.Value ?? "";
            var match = Languages.FirstOrDefault(l => tag.StartsWith(l, StringComparison.OrdinalIgnoreCase));
            if (match is not null) return match;
        }
        return "fi";
    }

    public static string DefaultCode(int status) => status switch
    {
        400 => "bad-request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        409 => "conflict",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        429 => "too-many-requests",
        502 or 503 or 504 => "unavailable",
        >= 500 => "internal-error",
        _ => "bad-request",
    };

    private static ProblemText StatusTitle(int status) => status switch
    {
        400 => new("Virheellinen pyyntö", "Ogiltig begäran", "Bad request"),
        401 => new("Tunnistautuminen vaaditaan", "Autentisering krävs", "Authentication required"),
        403 => new("Ei oikeutta", "Åtkomst nekad", "Forbidden"),
        404 => new("Ei löytynyt", "Hittades inte", "Not found"),
        405 => new("Menetelmä ei ole sallittu", "Metoden är inte tillåten", "Method not allowed"),
        409 => new("Ristiriita", "Konflikt", "Conflict"),
        413 => new("Pyyntö on liian suuri", "Begäran är för stor", "Payload too large"),
        415 => new("Sisältötyyppiä ei tueta", "Medietypen stöds inte", "Unsupported media type"),
        422 => new("Pyyntöä ei voitu käsitellä", "Begäran kunde inte behandlas", "Unprocessable request"),
        429 => new("Liian monta pyyntöä", "För många förfrågningar", "Too many requests"),
        502 or 503 or 504 => new("Palvelu ei ole käytettävissä", "Tjänsten är inte tillgänglig", "Service unavailable"),
        _ when status >= 500 => new("Palvelinvirhe", "Serverfel", "Internal server error"),
        _ => new("Virheellinen pyyntö", "Ogiltig begäran", "Bad request"),
    };
}

/// <summary>
/// Turns binding failures (malformed JSON, wrong types, unknown fields, oversized bodies) into 4xx problems, an
/// unreachable database into a 503 to retry after a while, and anything unexpected into a 500 that reveals nothing internal.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    // A restart of PostgreSQL takes a few seconds.
    private const string DatabaseRetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = new ProblemDetails();
        if (exception is BadHttpRequestException badRequest)
        {
            problem.Status = badRequest.StatusCode;
            if (FindJsonError(badRequest)?.Path?.TrimStart('$', '.') is { Length: > 0 } field) problem.Extensions["field"] = field;
        }
        else if (DatabaseErrors.IsUnavailable(exception))
        {
            // An outage, not a bug: the caller may send the same request again shortly (with the same Idempotency-Key).
            logger.LogWarning("Database unavailable for {Method} {Path}: {Error}", httpContext.Request.Method, httpContext.Request.Path, exception.Message);
            problem.Status = StatusCodes.Status503ServiceUnavailable;
            problem.Extensions["code"] = "database-unavailable";
            httpContext.Response.Headers.RetryAfter = DatabaseRetryAfterSeconds;
        }
        else
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem.Status = StatusCodes.Status500InternalServerError;
        }
        httpContext.Response.StatusCode = problem.Status.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static JsonException? FindJsonError(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
            if (e is JsonException json) return json;
        return null;
    }
}
