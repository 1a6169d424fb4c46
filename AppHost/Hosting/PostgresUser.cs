using System.Runtime.Versioning;

namespace Kaikukortti.AppHost.Hosting;

/// <summary>
/// PostgreSQL refuses to run as root; when we are root, its programs run as the <c>postgres</c> user (which the
/// Debian package creates) and its data directory belongs to that user.
/// </summary>
internal static class PostgresUser
{
    public const string SetprivPath = "/usr/bin/setpriv";
    private const string UserName = "postgres";

    public static bool IsNeeded => Environment.IsPrivilegedProcess;

    public static string? FindMissingPrerequisite()
    {
        if (!IsNeeded)
        {
            return null;
        }

        if (!File.Exists(SetprivPath))
        {
            return $"setpriv is not installed ({SetprivPath} not found); it runs PostgreSQL as the postgres user. "
                   + "Install it with: apt-get install -y util-linux";
        }

        return FindIds() is null
            ? $"There is no '{UserName}' user to run PostgreSQL as (it refuses to run as root). "
              + "Install PostgreSQL with: apt-get install -y postgresql-15 (it creates the user) — or run scripts/prerequisites.sh"
            : null;
    }

    /// <summary>The program and arguments that run <paramref name="program"/> as the postgres user when needed.</summary>
    public static (string FileName, IReadOnlyList<string> Arguments) Command(string program, IReadOnlyList<string> arguments) =>
        IsNeeded
            ? (SetprivPath, ["--reuid=" + UserName, "--regid=" + UserName, "--init-groups", program, .. arguments])
            : (program, arguments);

    /// <summary>Creates <paramref name="directory"/> if needed, owned by the postgres user with mode 700, as PostgreSQL requires.</summary>
    public static void PrepareDataDirectory(string directory, LogSink log, string source)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("AppHost runs PostgreSQL on Linux only.");
        }

        Directory.CreateDirectory(directory);
        if (IsNeeded)
        {
            var (userId, groupId) = FindIds() ?? throw new InvalidOperationException($"No '{UserName}' user.");
            Posix.ChangeOwner(directory, userId, groupId);
            MakeAncestorsTraversable(directory, log, source);
        }

        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    // The postgres user must be able to reach its data directory: it needs only the x bit (search, not list) on each
    // ancestor. Directory.CreateTempSubdirectory, for one, makes mode-700 directories.
    [SupportedOSPlatform("linux")]
    private static void MakeAncestorsTraversable(string directory, LogSink log, string source)
    {
        for (var ancestor = Path.GetDirectoryName(directory); ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
        {
            var mode = File.GetUnixFileMode(ancestor);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(ancestor, mode | UnixFileMode.OtherExecute);
                log.Write(source, $"made {ancestor} traversable (o+x) so the postgres user can reach its data directory");
            }
        }
    }

    private static (int UserId, int GroupId)? FindIds() =>
        File.ReadLines("/etc/passwd")
            .Select(line => line.Split(':'))
            .Where(fields => fields.Length > 3 && fields[0] == UserName)
            .Select(fields => ((int, int)?)(int.Parse(fields[2]), int.Parse(fields[3])))
            .FirstOrDefault();
}
