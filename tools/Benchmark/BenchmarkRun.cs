using System.Diagnostics;
using System.Reflection;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.AppHost.Seed;
using Npgsql;

namespace Kaikukortti.Benchmark;

/// <summary>One load run with the lag probe beside it, and how long statistics took to catch up afterwards.</summary>
/// <param name="RecordedDuringRun">Uses the Redemptions service recorded meanwhile (wrk's and the probe's), to check wrk's count against.</param>
/// <param name="CaughtUp">How long after wrk ended statistics counted every use; null when they did not within the patience.</param>
/// <param name="Cpu">From the start of the load until statistics caught up: the whole cost of the uses recorded.</param>
public sealed record LoadRun(WrkResult Wrk, LagResult Lag, int RecordedDuringRun, TimeSpan? CaughtUp, CpuUse Cpu);

/// <param name="Cpu">During the pgbench run.</param>
public sealed record PgBenchLoad(PgBenchResult PgBench, CpuUse Cpu);

/// <summary>Everything a run measured, for <see cref="Report"/>.</summary>
public sealed record Results(
    BenchmarkOptions Options, string DataDirectory, Machine Machine, string BuildConfiguration, string RedemptionsAssembly,
    IReadOnlyDictionary<string, string?> Environment, BenchData Data, IReadOnlyList<string> WarmUpCommands, IReadOnlyList<LoadRun> Loads,
    IReadOnlyList<WrkResult> Unloaded, IReadOnlyList<string> PgBenchSetup, string PgBenchScript, IReadOnlyList<PgBenchLoad> PgBench, string QueryArea,
    IReadOnlyList<QuerySeries> Queries, TimeSpan Elapsed, string LoadAverageAtEnd);

/// <summary>Starts a system, sets up the benchmark's data, measures, and returns the results; stops everything it started.</summary>
public static class BenchmarkRun
{
    /// <summary>Given to every service and the gateway.</summary>
    public static readonly IReadOnlyDictionary<string, string?> ServiceEnvironment = new Dictionary<string, string?>
    {
        // The per-client and per-address limits (200/s and 20/s) would cap the load and the query series: raised out of the way.
        ["RateLimits__Client__PermitsPerSecond"] = "1000000",
        ["RateLimits__Client__Burst"] = "1000000",
        ["RateLimits__Anonymous__PermitsPerSecond"] = "1000000",
        ["RateLimits__Anonymous__Burst"] = "1000000",
        ["RateLimits__TokenEndpoint__PermitsPerSecond"] = "1000",
        // Warnings and errors only, so writing logs does not take a share of the CPU. wrk ends a run with requests in
        // flight: the gateway's warning for each cancelled one says nothing about the system.
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Yarp.ReverseProxy.Forwarder"] = "Error",
        // As in production (AppHost's default for a developer is Development).
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
    };

    // Tiered compilation still recompiles hot methods (with profile-guided optimisation) well into the first runs: 5 s was too short.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    public static async Task<Results> RunAsync(BenchmarkOptions options, TextWriter progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await WrkRun.EnsureInstalledAsync(progress, ct);
        var postgresBin = ToolPaths.Default.PostgresBinDirectory;
        if (!File.Exists(Path.Combine(postgresBin, "pgbench")))
            throw new PrerequisiteMissingException($"pgbench was not found in {postgresBin}: install PostgreSQL 15 (scripts/prerequisites.sh).");

        var temporaryData = options.DataDirectory is null ? Directory.CreateTempSubdirectory("kaiku-benchmark-data-").FullName : null;
        var work = Directory.CreateTempSubdirectory("kaiku-benchmark-work-").FullName;
        try
        {
            var dataDirectory = options.DataDirectory ?? temporaryData!;
            var configuration = typeof(KaikuSystem).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown";
            if (configuration != "Release") progress.WriteLine($"!! the services are {configuration} builds: run with -c Release for figures that mean anything");
            progress.WriteLine($"starting PostgreSQL, RabbitMQ, the services ({configuration} builds) and the gateway on {dataDirectory} …");
            await using var system = await KaikuSystem.StartAsync(new KaikuSystemOptions
            {
                DataDirectory = dataDirectory,
                GatewayPort = 0,
                AdminSecret = Environment.GetEnvironmentVariable("KAIKU_ADMIN_SECRET") is { Length: > 0 } secret ? secret : null,
                Environment = ServiceEnvironment,
                Log = new ServiceWarnings(progress),
            }, ct);
            var gateway = new Uri(system.GatewayUrl);
            var machine = await Machine.DescribeAsync(system.GetConnectionString("postgres"), postgresBin, ct);
            progress.WriteLine($"system up in {clock.Elapsed.TotalSeconds:0} s; gateway {gateway}; rate limits raised (RateLimits__Client__PermitsPerSecond=1000000)");

            progress.WriteLine("setting up the benchmark data through the API as the national admin …");
            var data = await Setup.RunAsync(gateway, system.AdminSecret, progress, ct);
            await WrkRun.WriteFilesAsync(work, data, ct);

            // wrk gets 127.0.0.1 for both, so neither pays for resolving localhost.
            var targets = new Dictionary<string, string>
            {
                ["gateway"] = new UriBuilder(gateway) { Host = "127.0.0.1" }.Uri.ToString().TrimEnd('/'),
                ["direct"] = system["redemptions"].Url!.TrimEnd('/'),
            };
            using var admin = await Setup.SignInAsync(gateway, KaikuSystem.AdminClientId, system.AdminSecret, ct);
            using var probeDesk = await Setup.SignInAsync(gateway, data.ProbeClient.ClientId, data.ProbeClient.ClientSecret, ct);
            var measure = new Measurement(gateway, data, work, admin, probeDesk, new CpuMeter(system), progress);
            progress.WriteLine("waiting for statistics to count the set-up's uses …");
            await measure.WaitForStatisticsAsync(ct);
            var warmUps = await measure.WarmUpAsync(targets, options.Concurrency.Max(), ct);
            var loads = await measure.LoadsAsync(targets, options.Concurrency, options.Duration, ct);
            var unloaded = await measure.UnloadedAsync(targets, options.Duration, system.GetConnectionString("postgres"), ct);
            var (pgBenchSetup, pgBenchScript, pgBench) = await measure.PgBenchAsync(
                system.GetConnectionString("postgres"), postgresBin, options.Concurrency, options.Duration, ct);
            var (queryArea, queries) = await measure.QueriesAsync(ct);
            return new Results(options, dataDirectory, machine, configuration, ProjectPaths.AssemblyOf("redemptions"), ServiceEnvironment, data, warmUps, loads,
                unloaded, pgBenchSetup, pgBenchScript, pgBench, queryArea, queries, clock.Elapsed, await Machine.LoadAverageAsync(ct));
        }
        finally
        {
            progress.WriteLine("stopped everything; removing the temporary directories");
            await DeleteAsync(work);
            if (temporaryData is not null) await DeleteAsync(temporaryData);
        }
    }

    private static async Task DeleteAsync(string directory)
    {
        // A process that has just been stopped may still be removing its own files (a pid file, a socket).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>The phases that talk to the running system, as the national admin and the probe's client.</summary>
    private sealed class Measurement(Uri gateway, BenchData data, string work, SeedApi admin, SeedApi probeDesk, CpuMeter cpu, TextWriter progress)
    {
        private readonly EventBacklog _backlog = new(admin.Http);

        public async Task WaitForStatisticsAsync(CancellationToken ct)
        {
            if (!(await _backlog.WaitUntilDrainedAsync(ct)).Drained) progress.WriteLine(NotCaughtUp);
        }

        /// <summary>A short load on each target first, so the JIT has compiled the hot paths before anything is measured.</summary>
        /// <returns>The commands run.</returns>
        public async Task<IReadOnlyList<string>> WarmUpAsync(IReadOnlyDictionary<string, string> targets, int connections, CancellationToken ct)
        {
            List<string> commands = [];
            foreach (var (target, url) in targets)
            {
                progress.WriteLine($"warming up: {WarmUp.TotalSeconds:0} s of load {target}, not measured …");
                commands.Add((await WrkRun.RunAsync(target, url, connections, WarmUp, await PartnerTokenAsync(ct), $"warm-{target}", work, ct)).CommandLine);
                await WaitForStatisticsAsync(ct);
            }
            return commands;
        }

        public async Task<IReadOnlyList<LoadRun>> LoadsAsync(
            IReadOnlyDictionary<string, string> targets, IReadOnlyList<int> levels, TimeSpan duration, CancellationToken ct)
        {
            List<LoadRun> loads = [];
            foreach (var connections in levels)
            {
                foreach (var (target, url) in targets)
                {
                    progress.WriteLine($"{target}, {connections} connections, {duration.TotalSeconds:0} s, with the lag probe …");
                    var load = await LoadAsync(target, url, connections, duration, ct);
                    progress.WriteLine($"  {load.Wrk.UsesPerSecond:0} uses/s, p50 {load.Wrk.P50Ms:0.0} ms, p99 {load.Wrk.P99Ms:0.0} ms; lag p50 {load.Lag.P50Ms:0} ms, "
                        + $"p99 {load.Lag.P99Ms:0} ms; statistics caught up {load.CaughtUp?.TotalSeconds:0.0} s after");
                    loads.Add(load);
                }
            }
            return loads;
        }

        /// <summary>
        /// One connection at each target with nothing else running, not even the lag probe: the gateway's own cost per
        /// request, which under load drowns in the waiting of a machine with both cores busy. Each run starts once
        /// PostgreSQL has finished what the loads left behind (autovacuum, a checkpoint), and the targets take turns
        /// (gateway, direct, direct, gateway, twice) so that whatever still varies weighs on both alike.
        /// </summary>
        public async Task<IReadOnlyList<WrkResult>> UnloadedAsync(IReadOnlyDictionary<string, string> targets, TimeSpan duration, string postgres, CancellationToken ct)
        {
            List<WrkResult> runs = [];
            var each = TimeSpan.FromSeconds(Math.Max(1, (int)duration.TotalSeconds / 4));
            foreach (var target in new[] { "gateway", "direct", "direct", "gateway", "gateway", "direct", "direct", "gateway" })
            {
                await QuietAsync(postgres, ct);
                progress.WriteLine($"{target}, 1 connection, {each.TotalSeconds:0} s, nothing else running …");
                var run = await WrkRun.RunAsync(target, targets[target], 1, each, await PartnerTokenAsync(ct), $"{target}-unloaded-{runs.Count}", work, ct);
                progress.WriteLine($"  {run.UsesPerSecond:0} uses/s, p50 {run.P50Ms:0.00} ms");
                runs.Add(run);
                await WaitForStatisticsAsync(ct);
            }
            return runs;
        }

        /// <summary>Waits until no autovacuum worker runs (two minutes at most), then checkpoints.</summary>
        private static async Task QuietAsync(string postgres, CancellationToken ct)
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(ct);
            await using var vacuuming = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'", connection);
            var giveUp = Stopwatch.StartNew();
            while ((long)(await vacuuming.ExecuteScalarAsync(ct))! > 0 && giveUp.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(500, ct);
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
            await checkpoint.ExecuteNonQueryAsync(ct);
        }

        public async Task<(IReadOnlyList<string> Setup, string Script, IReadOnlyList<PgBenchLoad> Runs)> PgBenchAsync(
            string postgres, string postgresBin, IReadOnlyList<int> levels, TimeSpan duration, CancellationToken ct)
        {
            progress.WriteLine($"pgbench: creating the scratch database {PgBenchRun.Database} …");
            await using var run = await PgBenchRun.CreateAsync(postgres, postgresBin, work, data.Area, ct);
            List<PgBenchLoad> runs = [];
            foreach (var connections in levels)
            {
                progress.WriteLine($"pgbench, {connections} connections, {duration.TotalSeconds:0} s …");
                var start = cpu.Take();
                var result = await run.RunAsync(connections, duration, ct);
                runs.Add(new PgBenchLoad(result, CpuMeter.Between(start, cpu.Take())));
                progress.WriteLine($"  {result.Tps:0} tps, p50 {result.P50Ms:0.0} ms");
            }
            return (run.SetupCommands, run.Script, runs);
        }

        public async Task<(string Area, IReadOnlyList<QuerySeries> Series)> QueriesAsync(CancellationToken ct)
        {
            progress.WriteLine("statistics queries, one at a time …");
            using var anonymous = new HttpClient { BaseAddress = gateway };
            var area = await QueryLatency.BusiestAreaAsync(admin.Http, ct);
            return (area, await QueryLatency.MeasureAsync(anonymous, admin.Http, area, ct));
        }

        private static string NotCaughtUp =>
            $"!! statistics counted no more uses for {EventBacklog.Patience.TotalSeconds:0} s without having caught up with Redemptions; going on";

        private Task<string> PartnerTokenAsync(CancellationToken ct) => Setup.TokenAsync(gateway, data.Partner, ct);

        private async Task<LoadRun> LoadAsync(string target, string url, int connections, TimeSpan duration, CancellationToken ct)
        {
            var recordedBefore = await _backlog.RecordedAsync(ct);
            var token = await PartnerTokenAsync(ct);
            using var stopProbe = new CancellationTokenSource();
            var start = cpu.Take();
            var probe = new LagProbe(probeDesk.Http, admin.Http, data).RunAsync($"{target}, {connections} connections", stopProbe.Token, ct);
            WrkResult wrk;
            try
            {
                wrk = await WrkRun.RunAsync(target, url, connections, duration, token, $"{target}-{connections}", work, ct);
            }
            finally
            {
                await stopProbe.CancelAsync();
            }
            var loadEnded = Stopwatch.StartNew();
            var lag = await probe;
            var (recordedAfter, drained) = await _backlog.WaitUntilDrainedAsync(ct);
            if (!drained) progress.WriteLine(NotCaughtUp);
            return new LoadRun(wrk, lag, recordedAfter - recordedBefore, drained ? loadEnded.Elapsed : null, CpuMeter.Between(start, cpu.Take()));
        }
    }

    /// <summary>Shows what the services and the gateway log (warnings and errors only) and every alert; the servers' chatter is left out.</summary>
    private sealed class ServiceWarnings(TextWriter progress) : LogSink
    {
        private static readonly HashSet<string> Services = [.. KaikuSystem.ServiceNames, KaikuSystem.GatewayName];

        public override void Write(string source, string line)
        {
            if (Services.Contains(source)) progress.WriteLine($"  [{source}] {line}");
        }

        public override void Alert(string source, string line) => progress.WriteLine($"!! {line}");
    }
}
