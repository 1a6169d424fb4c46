using Kaikukortti.TestSupport;

namespace Kaikukortti.AppHost.Tests;

/// <summary>What /proc says about processes.</summary>
internal static class ProcessTable
{
    /// <summary>True unless the process is gone or a zombie (exited, waiting for this machine's slow init to reap it).</summary>
    public static bool IsRunning(int pid) => Stat(pid) is { State: not 'Z' };

    public static List<int> ChildrenOf(int parent) =>
        [.. AllProcessIds().Where(pid => Stat(pid) is { State: not 'Z' } stat && stat.Parent == parent)];

    /// <summary><paramref name="root"/> and every running process below it.</summary>
    public static List<int> TreeOf(int root)
    {
        var parents = AllProcessIds()
            .Select(pid => (Pid: pid, Stat: Stat(pid)))
            .Where(process => process.Stat is { State: not 'Z' })
            .ToLookup(process => process.Stat!.Value.Parent, process => process.Pid);
        List<int> tree = [root];
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents[tree[i]]);
        }

        return tree;
    }

    public static async Task ShouldAllExitAsync(IEnumerable<int> pids)
    {
        var watched = pids.ToList();
        await Eventually.TrueAsync(
            () => Task.FromResult(!watched.Any(IsRunning)),
            TimeSpan.FromSeconds(10),
            $"processes {string.Join(", ", watched.Where(IsRunning))} to exit");
    }

    private static IEnumerable<int> AllProcessIds() =>
        Directory.EnumerateDirectories("/proc")
            .Select(path => int.TryParse(Path.GetFileName(path), out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    private static (char State, int Parent)? Stat(int pid)
    {
        try
        {
            // The command name (in parentheses) may contain spaces; the fields after it do not.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
