using System.Security.Cryptography;
using Kaikukortti.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Identity;

namespace Kaikukortti.Identity.Domain;

/// <summary>Client ids, secrets and their salted hashes (ASP.NET Core's PBKDF2 password hasher).</summary>
public static class ClientSecrets
{
    private const string Subject = "site-client";
    private static readonly PasswordHasher<string> Hasher = new();

    // Verified when the client id is unknown, so a wrong id takes as long as a wrong secret and reveals nothing.
    private static readonly string StandInHash = Hasher.HashPassword(Subject, "stand-in");

    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A readable prefix (the role) and 16 random characters, e.g. <c>venue-3kq9x0w1m2r7t5bz</c>.</summary>
    public static string NewClientId(string? role)
    {
        const string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
        var suffix = new string(RandomNumberGenerator.GetItems<char>(alphabet, 16));
        return $"{(role is not null && Roles.All.Contains(role) ? role : "client")}-{suffix}";
    }

    public static string Hash(string secret) => Hasher.HashPassword(Subject, secret);

    /// <returns>true only when a hash exists and the secret matches it.</returns>
    public static bool Verify(string? hash, string secret) =>
        Hasher.VerifyHashedPassword(Subject, hash ?? StandInHash, secret) != PasswordVerificationResult.Failed && hash is not null;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
