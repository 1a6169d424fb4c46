using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Kaikukortti.ServiceDefaults.Data;

/// <summary>A forward-only SQL migration embedded in an assembly under <c>Data/Migrations/NNNN_name.sql</c>.</summary>
public sealed record Migration(string Id, string Sql)
{
    // Computed, not stored: a copy made with `with { Sql = … }` must not keep the original's checksum.
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    /// <summary>The assembly's embedded migrations in name order; ids are prefixed with <paramref name="scope"/>.</summary>
    public static IReadOnlyList<Migration> FromAssembly(Assembly assembly, string scope)
    {
        const string folder = ".Data.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.Contains(folder, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                var file = name[(name.IndexOf(folder, StringComparison.Ordinal) + folder.Length)..^".sql".Length];
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                return new Migration($"{scope}/{file}", reader.ReadToEnd());
            })
            .ToList();
    }
}
