using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Kaikukortti.AppHost.Hosting;

/// <summary>The few POSIX calls .NET does not offer: sending a signal other than SIGKILL, and chown.</summary>
public static class Posix
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Sends <paramref name="signal"/>; a process that is already gone is not an error.</summary>
    public static void Signal(int processId, int signal)
    {
        if (kill(processId, signal) != 0 && Marshal.GetLastPInvokeError() is var error and not NoSuchProcess)
        {
            throw new Win32Exception(error, $"kill({processId}, {signal}) failed");
        }
    }

    internal static void ChangeOwner(string path, int userId, int groupId)
    {
        if (chown(path, userId, groupId) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"chown {path} failed");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);
}
