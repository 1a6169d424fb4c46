using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.ServiceDefaults.Problems;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Kaikukortti.Gateway;

/// <summary>
/// Request budgets (configuration section <c>RateLimits</c>): each caller has a token bucket that refills
/// <see cref="RateLimit.PermitsPerSecond"/> every second and holds at most <see cref="RateLimit.Burst"/>.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Per site client (the token's <c>sub</c>).</summary>
    public RateLimit Client { get; set; } = new() { PermitsPerSecond = 200 };

    /// <summary>Per remote IP address, for requests without a token.</summary>
    public RateLimit Anonymous { get; set; } = new() { PermitsPerSecond = 20 };

    /// <summary>Per remote IP address, for <c>POST /connect/token</c>: each request costs ~70 ms of PBKDF2 in the Identity service.</summary>
    public RateLimit TokenEndpoint { get; set; } = new() { PermitsPerSecond = 5 };
}

public sealed class RateLimit
{
    public int PermitsPerSecond { get; set; }

    /// <summary>The most requests accepted at once after a quiet spell; twice the per-second rate unless set.</summary>
    public int? Burst { get; set; }

    public TokenBucketRateLimiterOptions ToBucket() => new()
    {
        TokensPerPeriod = PermitsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        TokenLimit = Math.Max(Burst ?? 2 * PermitsPerSecond, PermitsPerSecond),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

public static class RateLimits
{
    public const string TokenPath = "/connect/token";

    public static IHostApplicationBuilder AddGatewayRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => new[] { o.Client, o.Anonymous, o.TokenEndpoint }.All(l => l.PermitsPerSecond > 0), "Every RateLimits:*:PermitsPerSecond must be positive.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;
        });
        return builder;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments(TokenPath))
            return RateLimitPartition.GetTokenBucketLimiter($"token:{address}", _ => limits.TokenEndpoint.ToBucket());
        if (context.User.FindFirstValue(KaikuClaims.ClientId) is { } clientId)
            return RateLimitPartition.GetTokenBucketLimiter($"client:{clientId}", _ => limits.Client.ToBucket());
        return RateLimitPartition.GetTokenBucketLimiter($"ip:{address}", _ => limits.Anonymous.ToBucket());
    }

    private static ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return new ValueTask(ApiProblem.Create(StatusCodes.Status429TooManyRequests, "too-many-requests").ExecuteAsync(rejected.HttpContext));
    }
}
