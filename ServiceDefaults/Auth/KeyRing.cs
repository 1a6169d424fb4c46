using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace Kaikukortti.ServiceDefaults.Auth;

/// <summary>The Data Protection key ring shared by the token issuer and every validator.</summary>
public static class KeyRing
{
    public const string ApplicationName = "kaikukortti";

    /// <summary>
    /// Creates the ring with one key unless it already has a usable one. Run once, before any service starts:
    /// processes that each generate a key on an empty directory can end up rejecting each other's tokens.
    /// </summary>
    public static void EnsureCreated(string directory)
    {
        Directory.CreateDirectory(directory);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(directory)).SetApplicationName(ApplicationName).DisableAutomaticKeyGeneration();
        using var provider = services.BuildServiceProvider();
        var keys = provider.GetRequiredService<IKeyManager>();
        var now = DateTimeOffset.UtcNow;
        if (!keys.GetAllKeys().Any(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now.AddDays(7)))
            keys.CreateNewKey(now, now.AddDays(90));
    }
}
