using Kaikukortti.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Kaikukortti.TestSupport;

/// <summary>
/// Mints bearer tokens on a key ring exactly as the Identity service does, so tests can act as any site client —
/// or present an expired token — without going through the token endpoint.
/// </summary>
public sealed class Tokens : IDisposable
{
    private static readonly Lazy<Tokens> ForTestKeyRing = new(() =>
    {
        var directory = Directory.CreateTempSubdirectory("kaiku-keys-").FullName;
        KeyRing.EnsureCreated(directory);
        return new Tokens(directory);
    });

    private readonly ServiceProvider provider;
    private readonly TokenIssuer issuer;

    public Tokens(string keyRingPath)
    {
        KeyRingPath = keyRingPath;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keyRingPath)).SetApplicationName(KeyRing.ApplicationName).DisableAutomaticKeyGeneration();
        services.AddAuthentication().AddBearerToken(BearerTokenDefaults.AuthenticationScheme);
        services.AddSingleton<TokenIssuer>();
        provider = services.BuildServiceProvider();
        issuer = provider.GetRequiredService<TokenIssuer>();
    }

    /// <summary>Tokens on the key ring that <see cref="ServiceFactory{TProgram}"/> gives every in-memory service.</summary>
    public static Tokens ForTests => ForTestKeyRing.Value;

    public string KeyRingPath { get; }

    public string Issue(SiteClient client, TimeSpan? lifetime = null) => issuer.Issue(client, lifetime);

    /// <summary>A token that expired a minute ago.</summary>
    public string Expired(SiteClient client) => issuer.Issue(client, TimeSpan.FromMinutes(-1));

    public static SiteClient NationalAdmin { get; } = new("test-admin", Roles.NationalAdmin, null, null, []);

    public static SiteClient Coordinator(string areaCode) => new($"test-coordinator-{areaCode}", Roles.AreaCoordinator, areaCode, null, []);

    public void Dispose() => provider.Dispose();
}

public static class AuthorizedClients
{
    /// <summary>Sets the bearer token every request of this client carries.</summary>
    public static HttpClient As(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }
}
