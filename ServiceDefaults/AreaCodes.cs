namespace Kaikukortti.ServiceDefaults;

/// <summary>Area codes as every service reads them from a request: trimmed and lower-case; blank means none.</summary>
public static class AreaCodes
{
    public static string? Read(string? code) => string.IsNullOrWhiteSpace(code) ? null : code.Trim().ToLowerInvariant();
}
