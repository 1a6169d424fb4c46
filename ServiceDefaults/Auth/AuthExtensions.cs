using Kaikukortti.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class AuthExtensions
{
    /// <summary>Where the shared Data Protection key ring lives (<c>Kaiku__KeyRingPath</c>); AppHost sets it for every process.</summary>
    public const string KeyRingPathKey = "Kaiku:KeyRingPath";

    /// <summary>The national admin the Identity service creates at start-up from <c>KAIKU_ADMIN_SECRET</c>.</summary>
    public const string BootstrapAdminClientId = "kaiku-admin";

    /// <summary>Policy: any authenticated site client.</summary>
    public const string SiteClientPolicy = "site-client";

    /// <summary>Policy: the national admin only.</summary>
    public const string NationalAdminPolicy = Roles.NationalAdmin;

    /// <summary>
    /// Validates the platform's bearer tokens (issued by the Identity service, protected with the shared key ring)
    /// and registers the common authorization policies. Only the issuer generates keys: AppHost creates the ring
    /// before anything starts, so validators never race to create keys of their own.
    /// </summary>
    public static IHostApplicationBuilder AddKaikuAuthentication(this IHostApplicationBuilder builder, bool issuesTokens = false)
    {
        var keyRing = builder.Configuration[KeyRingPathKey]
            ?? throw new InvalidOperationException($"The key ring path is missing: set {KeyRingPathKey.Replace(":", "__")}.");
        var dataProtection = builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keyRing)).SetApplicationName(KeyRing.ApplicationName);
        if (!issuesTokens) dataProtection.DisableAutomaticKeyGeneration();

        builder.Services.AddAuthentication(BearerTokenDefaults.AuthenticationScheme)
            .AddBearerToken(options => options.BearerTokenExpiration = TokenIssuer.Lifetime);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(SiteClientPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(KaikuClaims.ClientId))
            .AddPolicy(NationalAdminPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(KaikuClaims.Role, Roles.NationalAdmin));
        if (issuesTokens) builder.Services.AddSingleton<TokenIssuer>();
        return builder;
    }
}
