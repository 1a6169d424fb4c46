using System.Net;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using Microsoft.AspNetCore.Http;

namespace Kaikukortti.Gateway.Tests;

/// <summary>Per-client and per-IP token buckets, configured small here so that a burst of requests exceeds them.</summary>
public sealed class RateLimitTests(StubServices stubs) : IAsyncLifetime
{
    private const int Requests = 12;

    private readonly GatewayFactory gateway = new(stubs, new Dictionary<string, string>
    {
        ["RateLimits:Client:PermitsPerSecond"] = "2",
        ["RateLimits:Client:Burst"] = "3",
        ["RateLimits:Anonymous:PermitsPerSecond"] = "2",
        ["RateLimits:Anonymous:Burst"] = "3",
        ["RateLimits:TokenEndpoint:PermitsPerSecond"] = "1",
        ["RateLimits:TokenEndpoint:Burst"] = "1",
    });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => gateway.DisposeAsync();

    private static SiteClient Partner() => new($"partner-{Guid.NewGuid():N}", Roles.Partner, null, null, [Guid.NewGuid()]);

    [Fact]
    public async Task A_client_over_its_limit_gets_429_with_retry_after_while_another_client_is_served()
    {
        using var busy = gateway.CreateClient().As(Tokens.ForTests.Issue(Partner()));
        using var quiet = gateway.CreateClient().As(Tokens.ForTests.Issue(Partner()));

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < Requests; i++) responses.Add(await busy.GetAsync("/api/redemptions"));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBeGreaterThanOrEqualTo(3, "the burst");
        var limited = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        await limited.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        int.Parse(limited.Headers.GetValues("Retry-After").Single()).ShouldBeInRange(1, 2);
        (await quiet.GetAsync("/api/redemptions")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Anonymous_callers_are_limited_per_ip_address()
    {
        var busy = IPAddress.Parse("192.0.2.1");

        var responses = new List<HttpResponse>();
        for (var i = 0; i < Requests; i++) responses.Add(await gateway.SendFromAsync(busy, "GET", "/api/areas"));

        responses.Count(r => r.StatusCode == StatusCodes.Status200OK).ShouldBeGreaterThanOrEqualTo(3, "the burst");
        var limited = responses.First(r => r.StatusCode == StatusCodes.Status429TooManyRequests);
        limited.ContentType.ShouldBe("application/problem+json");
        int.Parse(limited.Headers.RetryAfter.ToString()).ShouldBeInRange(1, 2);
        (await gateway.SendFromAsync(IPAddress.Parse("192.0.2.2"), "GET", "/api/areas")).StatusCode.ShouldBe(StatusCodes.Status200OK);
    }

    [Fact]
    public async Task The_token_endpoint_has_its_own_stricter_limit_per_ip_address()
    {
        var caller = IPAddress.Parse("192.0.2.3");

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++) statuses.Add((await gateway.SendFromAsync(caller, "POST", "/connect/token")).StatusCode);

        statuses.ShouldContain(StatusCodes.Status200OK);
        statuses.ShouldContain(StatusCodes.Status429TooManyRequests);
        // Its reads are in another bucket.
        (await gateway.SendFromAsync(caller, "GET", "/api/areas")).StatusCode.ShouldBe(StatusCodes.Status200OK);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Health_checks_are_not_limited(string path)
    {
        var monitor = IPAddress.Parse("192.0.2.4");

        for (var i = 0; i < Requests; i++) (await gateway.SendFromAsync(monitor, "GET", path)).StatusCode.ShouldBe(StatusCodes.Status200OK, $"request {i + 1}");
    }
}
