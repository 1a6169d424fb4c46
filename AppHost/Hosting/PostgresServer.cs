using System.Diagnostics;
using Npgsql;

namespace Kaikukortti.AppHost.Hosting;

/// <summary>
/// A PostgreSQL 15 server run as a child process, listening on 127.0.0.1 only, with no Unix socket.
/// </summary>
/// <remarks>
/// Authentication is <c>trust</c> for the <c>postgres</c> superuser: the server is reachable only from this machine's
/// loopback interface, which on a developer machine or CI runner is as trusted as its files. A server that must be
/// protected from other local users is an external one, passed in as <c>ConnectionStrings__postgres</c>.
/// </remarks>
public sealed class PostgresServer : ProcessResource
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(15);

    private readonly PostgresServerOptions _options;
    private readonly string _directory;
    private readonly string _cluster;
    private ChildProcess? _postmaster;

    public PostgresServer(PostgresServerOptions options)
    {
        _options = options;
        _directory = Path.GetFullPath(options.DataDirectory);
        _cluster = Path.Combine(_directory, "data");
        Port = options.Port;
    }

    public override string Name => _options.Name;

    public override string? Url => Port == 0 ? null : $"postgresql://127.0.0.1:{Port}";

    public int Port { get; private set; }

    /// <summary>The postmaster's process id while it runs.</summary>
    public int? ProcessId => _postmaster is { HasExited: false } postmaster ? postmaster.Id : null;

    /// <summary>The superuser's connection string to the <c>postgres</c> database.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = "postgres",
    }.ConnectionString;

    private protected override LogSink Log => _options.Log;

    private protected override bool AnyProcessExited => _postmaster?.HasExited ?? false;

    private string Program(string name) => Path.Combine(_options.Tools.PostgresBinDirectory, name);

    public static Task<PostgresServer> StartAsync(PostgresServerOptions options, CancellationToken cancellationToken = default) =>
        StartNewAsync(new PostgresServer(options), cancellationToken);

    public static IEnumerable<string> FindMissingPrerequisites(ToolPaths tools)
    {
        var postgres = Path.Combine(tools.PostgresBinDirectory, "postgres");
        if (!File.Exists(postgres) || !File.Exists(Path.Combine(tools.PostgresBinDirectory, "initdb")))
        {
            yield return $"PostgreSQL 15 is not installed ({postgres} not found). "
                         + "Install it with: apt-get install -y postgresql-15 — or run scripts/prerequisites.sh";
        }
        else if (PostgresUser.FindMissingPrerequisite() is { } problem)
        {
            yield return problem;
        }
    }

    /// <summary>Creates database <paramref name="name"/> if it does not exist and returns a connection string to it.</summary>
    public Task<string> EnsureDatabaseAsync(string name, CancellationToken cancellationToken = default) =>
        PostgresDatabases.EnsureAsync(ConnectionString, name, cancellationToken);

    private protected override async Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        if (FindMissingPrerequisites(_options.Tools).FirstOrDefault() is { } problem)
        {
            throw new PrerequisiteMissingException(problem);
        }

        LockDataDirectory(_directory);
        if (Port == 0)
        {
            Port = Network.FindFreePort();
        }

        await InitializeIfNewAsync(cancellationToken);
        await ClearLeftoverPostmasterAsync();

        var (fileName, arguments) = PostgresUser.Command(Program("postgres"), ServerArguments());
        _postmaster = await ChildProcess.StartAsync(new ProcessSpec(Name, fileName, arguments), Log);
        await WaitUntilAcceptingConnectionsAsync(_postmaster, cancellationToken);
    }

    private protected override async Task StopProcessesAsync()
    {
        if (_postmaster is null)
        {
            return;
        }

        // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to disconnect.
        await _postmaster.StopAsync(Posix.SigInt, StopGracePeriod);
        _postmaster.Dispose();
        _postmaster = null;
    }

    private List<string> ServerArguments()
    {
        List<string> arguments =
        [
            "-D", _cluster,
            "-p", $"{Port}",
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            // Five services plus tests that each open pools on many databases.
            "-c", "max_connections=300",
        ];
        if (_options.Throwaway)
        {
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        return arguments;
    }

    // initdb works in a sibling directory that is renamed into place when complete, so an interrupted first run
    // leaves no half-made cluster behind.
    private async Task InitializeIfNewAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(_cluster, "PG_VERSION")))
        {
            PostgresUser.PrepareDataDirectory(_cluster, Log, Name);
            return;
        }

        if (Directory.Exists(_cluster))
        {
            if (Directory.EnumerateFileSystemEntries(_cluster).Any())
            {
                throw new ResourceStartException(
                    Name, $"{_cluster} is neither empty nor a PostgreSQL data directory; move it away or delete it", []);
            }

            Directory.Delete(_cluster);
        }

        var staging = _cluster + ".initdb";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        PostgresUser.PrepareDataDirectory(staging, Log, Name);
        List<string> initdbArguments =
            ["-D", staging, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C.UTF-8"];
        if (_options.Throwaway)
        {
            initdbArguments.Add("--no-sync");
        }

        var (fileName, arguments) = PostgresUser.Command(Program("initdb"), initdbArguments);
        var (exitCode, output) = await ChildProcess.RunAsync(
            new ProcessSpec(Name + "-initdb", fileName, arguments), Log, cancellationToken);
        if (exitCode != 0)
        {
            throw new ResourceStartException(Name, $"initdb failed with code {exitCode}", output);
        }

        Directory.Move(staging, _cluster);
    }

    // A postmaster.pid left by a crash stops PostgreSQL from starting when its process id now belongs to another
    // process. Holding the directory lock, any postmaster still running on this directory is an orphan of an
    // earlier run: stop it, then remove the file.
    private async Task ClearLeftoverPostmasterAsync()
    {
        var pidFile = Path.Combine(_cluster, "postmaster.pid");
        await LeftoverProcess.StopAsync(pidFile, $"-D\0{_cluster}\0", Posix.SigInt, Log, Name);
        File.Delete(pidFile);
    }

    private async Task WaitUntilAcceptingConnectionsAsync(ChildProcess postmaster, CancellationToken cancellationToken)
    {
        var probe = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (postmaster.HasExited)
            {
                throw new ResourceStartException(
                    Name, $"exited with code {await postmaster.Exit} before accepting connections", postmaster.RecentOutput);
            }

            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (clock.Elapsed < ReadyTimeout)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (NpgsqlException e)
            {
                throw new ResourceStartException(
                    Name, $"did not accept connections within {ReadyTimeout.TotalSeconds:0} s", postmaster.RecentOutput, e);
            }
        }
    }
}
