using System.Net;
using System.Net.Http.Json;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;

namespace Kaikukortti.Gateway.Tests;

/// <summary>Anonymous vs. authenticated access at the gateway, and refusal of bad and revoked tokens.</summary>
public sealed class AccessTests(StubServices stubs) : IAsyncLifetime
{
    private readonly GatewayFactory gateway = new(stubs);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => gateway.DisposeAsync();

    private static SiteClient Venue() => new($"venue-{Guid.NewGuid():N}", Roles.Venue, "seinajoki", null, [Guid.NewGuid()]);

    [Theory]
    [InlineData("GET", "/api/areas", "venues")]
    [InlineData("GET", "/api/areas/seinajoki", "venues")]
    [InlineData("GET", "/api/venues?area=seinajoki", "venues")]
    [InlineData("GET", "/api/venues/6f1c2f6e-8d1b-4c55-9a57-0c8d7f1f4b11/offerings", "venues")]
    [InlineData("HEAD", "/api/venues", "venues")]
    [InlineData("GET", "/api/statistics/summary", "statistics")]
    [InlineData("GET", "/dashboard", "statistics")]
    [InlineData("POST", "/connect/token", "identity")]
    public async Task Public_requests_are_proxied_without_a_token(string method, string path, string service)
    {
        var response = await gateway.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        if (method == "HEAD") return;
        var echo = await response.Content.ReadFromJsonAsync<Echo>();
        echo.ShouldBe(new Echo(service, method, path.Split('?')[0], ""));
    }

    [Theory]
    [InlineData("POST", "/api/areas")]
    [InlineData("PUT", "/api/venues/6f1c2f6e-8d1b-4c55-9a57-0c8d7f1f4b11")]
    [InlineData("POST", "/api/venues/6f1c2f6e-8d1b-4c55-9a57-0c8d7f1f4b11/offerings")]
    [InlineData("GET", "/api/cards/123456789012/status")]
    [InlineData("GET", "/api/distributors")]
    [InlineData("GET", "/api/redemptions")]
    [InlineData("POST", "/api/redemptions")]
    [InlineData("GET", "/api/clients")]
    [InlineData("DELETE", "/api/clients/someone")]
    [InlineData("GET", "/connect/token")]
    [InlineData("DELETE", "/api/statistics/summary")]
    public async Task Anything_else_without_a_token_is_401_unauthorized(string method, string path)
    {
        var response = await gateway.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Fact]
    public async Task A_site_clients_write_is_proxied_with_its_token()
    {
        var token = Tokens.ForTests.Issue(Venue());

        var response = await gateway.CreateClient().As(token).PostAsJsonAsync("/api/redemptions", new { cardNumber = "123456789012" });

        var echo = await response.Content.ReadFromJsonAsync<Echo>();
        echo.ShouldBe(new Echo("redemptions", "POST", "/api/redemptions", $"Bearer {token}"));
    }

    [Fact]
    public async Task An_expired_token_is_401_invalid_token_even_on_a_public_read()
    {
        using var client = gateway.CreateClient().As(Tokens.ForTests.Expired(Venue()));
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        var response = await client.GetAsync("/api/areas");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid-token");
        problem.GetProperty("detail").GetString()!.ShouldContain("expired");
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer error=\"invalid_token\"");
    }

    [Theory]
    [InlineData("GET", "/api/statistics/summary")]
    [InlineData("POST", "/api/cards")]
    [InlineData("POST", "/connect/token")]
    public async Task A_garbage_token_is_401_invalid_token(string method, string path)
    {
        using var client = gateway.CreateClient().As("not-a-token");

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid-token");
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer error=\"invalid_token\"");
    }

    [Fact]
    public async Task A_token_signed_with_another_key_ring_is_401_invalid_token()
    {
        await using var otherRing = new TempDirectory();
        KeyRing.EnsureCreated(otherRing.Path);
        using var otherTokens = new Tokens(otherRing.Path);

        var response = await gateway.CreateClient().As(otherTokens.Issue(Venue())).GetAsync("/api/areas");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid-token");
    }

    [Fact]
    public async Task The_identity_services_internal_list_is_not_routed() =>
        await (await gateway.CreateClient().GetAsync(TokenChecks.RevokedClientsPath)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");

    [Fact]
    public async Task An_unknown_path_is_404_not_401() =>
        await (await gateway.CreateClient().PostAsync("/api/nothing-here", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
}
