using System.Diagnostics;

namespace Kaikukortti.AppHost.Hosting;

/// <summary>
/// Finds and stops processes an earlier run left behind (when AppHost or a test run was killed, its children live on).
/// Callers hold the data directory's lock, so such a process belongs to nobody else.
/// </summary>
internal static class LeftoverProcess
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(15);

    public static async Task StopAsync(string pidFile, string commandLineMarker, int signal, LogSink log, string source)
    {
        if (ReadPid(pidFile) is not { } pid || !IsRunning(pid, commandLineMarker))
        {
            return;
        }

        log.Write(source, $"stopping process {pid}, left over from an earlier run");
        Posix.Signal(pid, signal);
        if (!await ExitsWithinAsync(pid, commandLineMarker, GracePeriod))
        {
            Posix.Signal(pid, Posix.SigKill);
            await ExitsWithinAsync(pid, commandLineMarker, GracePeriod);
        }
    }

    private static int? ReadPid(string pidFile) =>
        File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) ? pid : null;

    /// <summary>
    /// True if <paramref name="pid"/> runs a program whose command line contains <paramref name="commandLineMarker"/>.
    /// A zombie has an empty command line, so it does not count: it is dead, only not yet reaped.
    /// </summary>
    private static bool IsRunning(int pid, string commandLineMarker)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandLine.Length > 0 && commandLine.Contains(commandLineMarker, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<bool> ExitsWithinAsync(int pid, string commandLineMarker, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (IsRunning(pid, commandLineMarker))
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
