using System.Diagnostics;
using System.Net;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.TestSupport;

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>The real <c>AppHost</c> program, as <c>dotnet run --project AppHost</c> runs it, stopped like Ctrl+C would.</summary>
public sealed class AppHostProgramTests
{
    [Fact]
    public async Task SIGTERM_stops_the_whole_system_and_leaves_no_process_behind()
    {
        await using var directory = new TempDirectory();
        var port = Network.FindFreePort();
        var output = new List<string>();
        using var apphost = StartAppHost(directory.Path, port, output);

        await WaitUntilHealthyAsync(apphost, port, output);
        var children = Descendants(apphost.Id);
        // PostgreSQL (with its backends), epmd, RabbitMQ, five services and the gateway.
        children.Count.ShouldBeGreaterThanOrEqualTo(9, string.Join('\n', output));
        lock (output) output.ShouldContain(line => line.Contains($"http://localhost:{port}"), "the gateway URL is printed");

        Posix.Signal(apphost.Id, Posix.SigTerm);

        (await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue("AppHost did not exit after SIGTERM");
        apphost.ExitCode.ShouldBe(0);
        await Eventually.TrueAsync(() => Task.FromResult(!children.Any(IsRunning)), TimeSpan.FromSeconds(5), "every child to be gone");
    }

    private static Process StartAppHost(string dataDirectory, int port, List<string> output)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(KaikuSystem).Assembly.Location])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["KAIKU_DATA_DIR"] = dataDirectory,
                ["KAIKU_GATEWAY_PORT"] = port.ToString(),
            },
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilHealthyAsync(Process apphost, int port, List<string> output)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (apphost.HasExited) throw new InvalidOperationException($"AppHost exited with {apphost.ExitCode}:\n{string.Join('\n', output)}");
            try
            {
                if ((await client.GetAsync($"http://localhost:{port}/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline)
            {
                apphost.Kill(entireProcessTree: true);
                throw new TimeoutException($"The system did not become healthy:\n{string.Join('\n', output)}");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Every process below <paramref name="root"/>, from /proc.</summary>
    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (Stat(pid) is { } stat) parents[pid] = stat.Parent;
        }
        var found = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.TryDequeue(out var parent))
            foreach (var child in parents.Where(p => p.Value == parent).Select(p => p.Key))
            {
                found.Add(child);
                frontier.Enqueue(child);
            }
        return found;
    }

    // A zombie has exited; it only waits for the (slow) init process on this machine to reap it.
    private static bool IsRunning(int pid) => Stat(pid) is { State: not 'Z' };

    private static (char State, int Parent)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1]));
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}

internal static class ProcessExtensions
{
    public static async Task<bool> WaitForExitAsync(this Process process, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
