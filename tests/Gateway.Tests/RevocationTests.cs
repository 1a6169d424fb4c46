using System.Net;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;

namespace Kaikukortti.Gateway.Tests;

/// <summary>
/// A revoked client's unexpired tokens are refused once the gateway's poll of the Identity service sees it.
/// One class, so the tests that break the stub's list never run alongside each other.
/// </summary>
public sealed class RevocationTests(StubServices stubs)
{
    private static SiteClient Distributor() => new($"distributor-{Guid.NewGuid():N}", Roles.Distributor, "seinajoki", Guid.NewGuid(), []);

    private static Task<HttpResponseMessage> ReadCardsAsync(HttpClient client) => client.GetAsync("/api/cards?distributorId=x");

    [Fact]
    public async Task A_revoked_clients_token_is_refused_within_a_couple_of_seconds()
    {
        await using var gateway = new GatewayFactory(stubs);
        var revokedClient = Distributor();
        using var revoked = gateway.CreateClient().As(Tokens.ForTests.Issue(revokedClient));
        using var other = gateway.CreateClient().As(Tokens.ForTests.Issue(Distributor()));
        revoked.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        (await ReadCardsAsync(revoked)).StatusCode.ShouldBe(HttpStatusCode.OK);

        stubs.Revoke(revokedClient.ClientId);

        var refused = await Eventually.MatchAsync(() => ReadCardsAsync(revoked), r => r.StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(3), "the revoked client's request to be refused");
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid-token");
        problem.GetProperty("detail").GetString()!.ShouldContain("revoked");
        refused.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer error=\"invalid_token\"");
        // Public reads too: the token is presented, and it is no longer good.
        await (await revoked.GetAsync("/api/areas")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid-token");
        (await ReadCardsAsync(other)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task When_the_identity_service_does_not_answer_the_last_known_revocations_still_hold()
    {
        await using var gateway = new GatewayFactory(stubs, new Dictionary<string, string> { ["Gateway:RevocationPollInterval"] = "00:00:00.100" });
        var revokedClient = Distributor();
        using var revoked = gateway.CreateClient().As(Tokens.ForTests.Issue(revokedClient));
        stubs.Revoke(revokedClient.ClientId);
        await Eventually.MatchAsync(() => ReadCardsAsync(revoked), r => r.StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(3), "the revoked client's request to be refused");

        stubs.RevocationsFail = true;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1)); // ten failed polls
            await (await ReadCardsAsync(revoked)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid-token");
        }
        finally
        {
            stubs.RevocationsFail = false;
        }
    }
}
