using System.Reflection;

namespace Kaikukortti.AppHost.Hosting;

/// <summary>Where the build put each project AppHost runs (recorded at build time by AppHost.csproj).</summary>
public static class ProjectPaths
{
    private const string KeyPrefix = "kaiku-project:";

    private static readonly Dictionary<string, string> Assemblies = typeof(ProjectPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Where(attribute => attribute.Key.StartsWith(KeyPrefix, StringComparison.Ordinal) && attribute.Value is not null)
        .ToDictionary(attribute => attribute.Key[KeyPrefix.Length..], attribute => attribute.Value!);

    /// <summary>The dll of project <paramref name="name"/> (lower case, e.g. <c>venues</c>, <c>gateway</c>).</summary>
    public static string AssemblyOf(string name) =>
        Assemblies.TryGetValue(name, out var path)
            ? path
            : throw new ArgumentException($"AppHost has no project reference named '{name}'.", nameof(name));
}
