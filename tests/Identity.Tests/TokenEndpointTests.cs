using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dapper;
using Kaikukortti.TestSupport;
using static Kaikukortti.Identity.Tests.IdentityService;

namespace Kaikukortti.Identity.Tests;

public sealed class TokenEndpointTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private IdentityService identity = null!;

    public async ValueTask InitializeAsync() => identity = await StartAsync(postgres, rabbitMq);

    public ValueTask DisposeAsync() => identity.DisposeAsync();

    [Fact]
    public async Task The_bootstrap_admin_gets_a_15_minute_bearer_token_that_is_never_cached()
    {
        using var client = identity.Anonymous();

        var response = await RequestTokenAsync(client, ("grant_type", "client_credentials"), ("client_id", "kaiku-admin"), ("client_secret", AdminSecret));

        var token = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        token.GetProperty("token_type").GetString().ShouldBe("Bearer");
        token.GetProperty("expires_in").GetInt32().ShouldBe(900);
        token.GetProperty("access_token").GetString()!.Length.ShouldBeGreaterThan(100);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        using var admin = identity.As(token.GetProperty("access_token").GetString()!);
        (await admin.GetAsync("/api/clients")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task HTTP_Basic_client_authentication_works_too()
    {
        using var client = identity.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"kaiku-admin:{Uri.EscapeDataString(AdminSecret)}")));

        (await client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public static TheoryData<string[], HttpStatusCode, string> BadRequests => new()
    {
        { ["client_id", "kaiku-admin", "client_secret", AdminSecret], HttpStatusCode.BadRequest, "invalid_request" },
        { ["grant_type", "password", "client_id", "kaiku-admin", "client_secret", AdminSecret], HttpStatusCode.BadRequest, "unsupported_grant_type" },
        { ["grant_type", "client_credentials", "client_id", "kaiku-admin", "client_secret", "wrong"], HttpStatusCode.Unauthorized, "invalid_client" },
        { ["grant_type", "client_credentials", "client_id", "nobody", "client_secret", AdminSecret], HttpStatusCode.Unauthorized, "invalid_client" },
        { ["grant_type", "client_credentials", "client_id", "kaiku-admin"], HttpStatusCode.Unauthorized, "invalid_client" },
        { ["grant_type", "client_credentials"], HttpStatusCode.Unauthorized, "invalid_client" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Token_errors_are_RFC_6749_errors(string[] form, HttpStatusCode status, string error)
    {
        using var client = identity.Anonymous();

        var response = await RequestTokenAsync(client, [.. form.Chunk(2).Select(p => (p[0], p[1]))]);

        var body = await response.ShouldBeJsonAsync(status);
        body.GetProperty("error").GetString().ShouldBe(error);
        body.GetProperty("error_description").GetString().ShouldNotBeNullOrEmpty();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
    }

    [Fact]
    public async Task A_JSON_token_request_is_an_invalid_request()
    {
        using var client = identity.Anonymous();

        var response = await client.PostRawJsonAsync("/connect/token", """{"grant_type":"client_credentials"}""");

        (await response.ShouldBeJsonAsync(HttpStatusCode.BadRequest)).GetProperty("error").GetString().ShouldBe("invalid_request");
    }

    [Fact]
    public async Task Repeated_wrong_secrets_lock_the_client_id_even_against_the_right_secret()
    {
        var admin = await identity.AdminTokenAsync();
        var (clientId, secret) = await identity.CreateClientAsync(admin, new { name = "Kaikukeskus statistics", role = "statistics" });
        using var client = identity.Anonymous();

        for (var i = 0; i < 5; i++)
            (await RequestTokenAsync(client, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", "guess-" + i)))
                .StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var locked = await RequestTokenAsync(client, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret));

        (await locked.ShouldBeJsonAsync(HttpStatusCode.TooManyRequests)).GetProperty("error").GetString().ShouldBe("temporarily_unavailable");
        locked.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 30);
        // Other clients are not affected.
        (await identity.AdminTokenAsync()).ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_revoked_client_gets_no_new_token()
    {
        var admin = await identity.AdminTokenAsync();
        var (clientId, secret) = await identity.CreateClientAsync(admin, new { name = "Old statistics", role = "statistics" });
        await identity.TokenAsync(clientId, secret);

        using var asAdmin = identity.As(admin);
        (await asAdmin.DeleteAsync($"/api/clients/{clientId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        using var client = identity.Anonymous();
        var refused = await RequestTokenAsync(client, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret));
        (await refused.ShouldBeJsonAsync(HttpStatusCode.Unauthorized)).GetProperty("error").GetString().ShouldBe("invalid_client");
    }

    [Fact]
    public async Task Secrets_are_stored_only_as_salted_hashes()
    {
        var admin = await identity.AdminTokenAsync();
        var (first, secret) = await identity.CreateClientAsync(admin, new { name = "A", role = "statistics" });

        await using var connection = await identity.DataSource.OpenConnectionAsync();
        var hashes = (await connection.QueryAsync<string>("SELECT secret_hash FROM clients")).ToList();
        hashes.ShouldNotContain(h => h.Contains(secret) || h.Contains(AdminSecret));
        hashes.Distinct().Count().ShouldBe(hashes.Count);
    }
}
