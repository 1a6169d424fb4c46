namespace Kaikukortti.TestSupport;

/// <summary>A fresh directory under the system's temporary directory, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IAsyncDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("kaiku-test-").FullName;

    public async ValueTask DisposeAsync()
    {
        // A process that has just been stopped may still be removing its own files (a pid file, a socket).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(Path, recursive: true);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(200);
            }
        }
    }
}
