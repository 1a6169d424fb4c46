namespace Kaikukortti.AppHost.Hosting;

/// <summary>
/// An exclusive lock on a data directory, held for as long as a server or system uses it, so two runs never share
/// one and a run may safely stop processes an earlier, killed run left behind. The operating system releases it
/// when the process dies, however it dies.
/// </summary>
internal sealed class DirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private DirectoryLock(FileStream file) => _file = file;

    /// <summary>
    /// Creates <paramref name="dataDirectory"/> if needed and locks it through <c>&lt;resourceName&gt;.lock</c> in it,
    /// or throws if another process holds that lock.
    /// </summary>
    public static DirectoryLock Acquire(string dataDirectory, string resourceName)
    {
        Directory.CreateDirectory(dataDirectory);
        var lockFile = Path.Combine(dataDirectory, resourceName + ".lock");
        try
        {
            // On Unix, FileShare.None takes an exclusive flock(2) on the file.
            return new DirectoryLock(new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new ResourceStartException(
                resourceName,
                $"{dataDirectory} is in use by another process (it holds {lockFile}); stop that one first or use another data directory",
                [],
                e);
        }
    }

    public void Dispose() => _file.Dispose();
}
