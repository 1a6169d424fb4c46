using System.Text.Json;

namespace Kaikukortti.Benchmark;

/// <summary>One wrk run: closed-loop load at a fixed number of connections, each recording uses back to back.</summary>
/// <param name="Requests">Answers received; requests that timed out or lost their connection are not among them.</param>
/// <param name="NonCreated">Answers other than 201 (wrk counts every status of 400 or more; the API answers a use with 201 or a problem).</param>
/// <param name="SocketErrors">Connect, read and write errors and timeouts.</param>
public sealed record WrkResult(
    string Target, int Connections, string CommandLine, long Requests, double Seconds, long NonCreated, long SocketErrors, double P50Ms, double P95Ms,
    double P99Ms, double MaxMs)
{
    public double UsesPerSecond => (Requests - NonCreated) / Seconds;
}

/// <summary>Runs wrk with record-use.lua; the files it reads are in the work directory.</summary>
public static class WrkRun
{
    private const string Script = "record-use.lua";
    private const string TokenFile = "token";
    private const string CardsFile = "cards.txt";
    private const string SitesFile = "sites.txt";

    /// <summary>Long enough that a slow answer is measured rather than dropped (wrk leaves timed-out requests out of its latencies).</summary>
    private const string Timeout = "10s";

    /// <summary>Writes the files the Lua script reads.</summary>
    public static async Task WriteFilesAsync(string workDirectory, BenchData data, CancellationToken ct)
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, Script), Path.Combine(workDirectory, Script), overwrite: true);
        await File.WriteAllLinesAsync(Path.Combine(workDirectory, CardsFile), data.Cards, ct);
        await File.WriteAllLinesAsync(Path.Combine(workDirectory, SitesFile), data.Sites.Select(s => $"{s.VenueId} {s.OfferingId}"), ct);
    }

    /// <summary>Makes sure wrk is installed, installing Debian's package when it is not.</summary>
    public static async Task EnsureInstalledAsync(TextWriter progress, CancellationToken ct)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        if (path.Any(directory => File.Exists(Path.Combine(directory, "wrk")))) return;
        var install = Environment.UserName == "root"
            ? new Command("apt-get", ["install", "-y", "wrk"], "/")
            : new Command("sudo", ["apt-get", "install", "-y", "wrk"], "/");
        progress.WriteLine($"wrk (the HTTP load generator) is not installed: installing Debian's package wrk 4.1.0 with `{install.Display}` …");
        await install.RunCheckedAsync(ct);
    }

    /// <param name="target">A name for the report: gateway or direct.</param>
    /// <param name="token">The partner's bearer token, written to the token file rather than put on the command line.</param>
    public static async Task<WrkResult> RunAsync(
        string target, string url, int connections, TimeSpan duration, string token, string runId, string workDirectory, CancellationToken ct)
    {
        await File.WriteAllTextAsync(Path.Combine(workDirectory, TokenFile), token, ct);
        var threads = Math.Min(2, connections);
        var command = new Command("wrk",
            [$"-t{threads}", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--timeout", Timeout, "-s", Script, url, "--", TokenFile, CardsFile, SitesFile, runId],
            workDirectory);
        var output = await command.RunCheckedAsync(ct);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("BENCHMARK-RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result:\n{output}");
        var result = JsonDocument.Parse(line["BENCHMARK-RESULT ".Length..]).RootElement;
        long Value(string name) => result.GetProperty(name).GetInt64();
        double Ms(string name) => result.GetProperty(name).GetDouble() / 1000;
        return new WrkResult(target, connections, command.Display, Value("requests"), Value("durationUs") / 1e6, Value("status"),
            Value("connect") + Value("read") + Value("write") + Value("timeout"), Ms("p50"), Ms("p95"), Ms("p99"), Ms("max"));
    }
}
