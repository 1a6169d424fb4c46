using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.Extensions.Options;

namespace Kaikukortti.ServiceDefaults.Auth;

/// <summary>Mints bearer tokens that every service's bearer-token handler accepts.</summary>
public sealed class TokenIssuer(IOptionsMonitor<BearerTokenOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public string Issue(SiteClient client, TimeSpan? lifetime = null)
    {
        var now = clock.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + (lifetime ?? Lifetime) };
        var ticket = new AuthenticationTicket(client.ToPrincipal(BearerTokenDefaults.AuthenticationScheme), properties, BearerTokenDefaults.AuthenticationScheme);
        // The named options carry the protector the handler validates with; CurrentValue's would not match.
        return options.Get(BearerTokenDefaults.AuthenticationScheme).BearerTokenProtector.Protect(ticket);
    }
}
