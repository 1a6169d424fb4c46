using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;

namespace Kaikukortti.Benchmark;

/// <summary>What the figures were measured on.</summary>
public sealed record Machine(IReadOnlyList<(string Name, string Value)> Facts)
{
    public static async Task<Machine> DescribeAsync(string postgresConnectionString, string postgresBinDirectory, CancellationToken ct)
    {
        var cpuInfo = await File.ReadAllLinesAsync("/proc/cpuinfo", ct);
        var cpu = cpuInfo.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memory = (await File.ReadAllLinesAsync("/proc/meminfo", ct)).First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var memoryKiB = long.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        var os = (await File.ReadAllLinesAsync("/etc/os-release", ct)).FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"')
            ?? RuntimeInformation.OSDescription;

        await using var postgres = new NpgsqlConnection(postgresConnectionString);
        await postgres.OpenAsync(ct);
        await using var settings = new NpgsqlCommand(
            "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('max_connections')", postgres);
        await using var reader = await settings.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);

        return new Machine(
        [
            ("CPU", $"{cpu}, {Environment.ProcessorCount} logical CPUs (`nproc`)"),
            ("memory", $"{memoryKiB / 1024.0 / 1024:0.0} GiB"),
            ("OS", $"{os}, Linux {(await File.ReadAllTextAsync("/proc/sys/kernel/osrelease", ct)).Trim()}"),
            (".NET", $"{RuntimeInformation.FrameworkDescription} (the services run on it with workstation GC and no thread-pool spinning, ADR 0010)"),
            ("PostgreSQL", $"{reader.GetString(0)} (fsync={reader.GetString(1)}, synchronous_commit={reader.GetString(2)}, max_connections={reader.GetString(3)})"),
            ("RabbitMQ", $"{await PackageVersionAsync("rabbitmq-server", ct)} (Erlang {await PackageVersionAsync("erlang-base", ct)})"),
            ("wrk", await PackageVersionAsync("wrk", ct)),
            ("pgbench", (await new Command(Path.Combine(postgresBinDirectory, "pgbench"), ["--version"], "/").RunCheckedAsync(ct)).Trim()),
            ("load average at the start", await LoadAverageAsync(ct)),
        ]);
    }

    public static async Task<string> LoadAverageAsync(CancellationToken ct) => (await File.ReadAllTextAsync("/proc/loadavg", ct)).Trim();

    private static async Task<string> PackageVersionAsync(string package, CancellationToken ct)
    {
        var (exitCode, output, _) = await new Command("dpkg-query", ["-W", "-f=${Version}", package], "/").RunAsync(ct);
        return exitCode == 0 ? output.Trim() : "not installed as a Debian package";
    }
}
