using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kaikukortti.AppHost.Hosting;

/// <summary>
/// A RabbitMQ broker run as a child process with its own epmd, listening on 127.0.0.1 only, everything it writes
/// under its data directory. The <c>guest</c> user works, as RabbitMQ allows it over loopback.
/// </summary>
public sealed class RabbitMqServer : ProcessResource
{
    // Each broker has its own epmd, so a fixed node name cannot clash with another broker's; being fixed, it keeps
    // the message store, which RabbitMQ files under the node name, across runs.
    private const string NodeName = "kaiku@localhost";

    private static readonly TimeSpan EpmdReadyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BrokerReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(30);
    private static readonly byte[] EpmdNamesRequest = [0, 1, (byte)'n'];

    private readonly RabbitMqServerOptions _options;
    private readonly string _dataDirectory;
    private ChildProcess? _epmd;
    private ChildProcess? _broker;
    private int _epmdPort;
    private int _distributionPort;

    public RabbitMqServer(RabbitMqServerOptions options)
    {
        _options = options;
        _dataDirectory = Path.GetFullPath(options.DataDirectory);
        Port = options.Port;
    }

    public override string Name => _options.Name;

    public override string? Url => Port == 0 ? null : $"amqp://127.0.0.1:{Port}";

    /// <summary>The AMQP port.</summary>
    public int Port { get; private set; }

    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}/";

    /// <summary>The broker's (Erlang VM's) process id while it runs.</summary>
    public int? ProcessId => _broker is { HasExited: false } broker ? broker.Id : null;

    public int? EpmdProcessId => _epmd is { HasExited: false } epmd ? epmd.Id : null;

    private protected override LogSink Log => _options.Log;

    private protected override bool AnyProcessExited => (_epmd?.HasExited ?? false) || (_broker?.HasExited ?? false);

    private string HomeDirectory => Path.Combine(_dataDirectory, "home");

    public static Task<RabbitMqServer> StartAsync(RabbitMqServerOptions options, CancellationToken cancellationToken = default) =>
        StartNewAsync(new RabbitMqServer(options), cancellationToken);

    public static IEnumerable<string> FindMissingPrerequisites(ToolPaths tools)
    {
        if (!File.Exists(tools.RabbitMqServer))
        {
            yield return $"RabbitMQ is not installed ({tools.RabbitMqServer} not found). "
                         + "Install it with: apt-get install -y rabbitmq-server — or run scripts/prerequisites.sh";
        }

        if (!File.Exists(tools.Epmd))
        {
            yield return $"Erlang's epmd is not installed ({tools.Epmd} not found). "
                         + "Install it with: apt-get install -y rabbitmq-server (it brings Erlang) — or run scripts/prerequisites.sh";
        }
    }

    /// <summary>Runs <c>rabbitmqctl</c> against this broker (e.g. <c>list_queues</c>) and returns its output.</summary>
    public async Task<IReadOnlyList<string>> ControlAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var rabbitmqctl = Path.Combine(Path.GetDirectoryName(_options.Tools.RabbitMqServer)!, "rabbitmqctl");
        var (exitCode, output) = await ChildProcess.RunAsync(
            new ProcessSpec(Name + "-ctl", rabbitmqctl, arguments) { Environment = BrokerEnvironment(), WorkingDirectory = _dataDirectory },
            Log,
            cancellationToken);
        return exitCode == 0
            ? output
            : throw new InvalidOperationException(
                $"rabbitmqctl {string.Join(' ', arguments)} failed with code {exitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
    }

    private protected override async Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        if (FindMissingPrerequisites(_options.Tools).FirstOrDefault() is { } problem)
        {
            throw new PrerequisiteMissingException(problem);
        }

        LockDataDirectory(_dataDirectory);
        if (Port == 0)
        {
            Port = Network.FindFreePort();
        }

        if (_epmdPort == 0)
        {
            _epmdPort = Network.FindFreePort();
            _distributionPort = Network.FindFreePort();
        }

        WriteConfiguration();

        // RabbitMQ would otherwise start a shared, daemonised epmd that outlives it.
        _epmd = await ChildProcess.StartAsync(
            new ProcessSpec(Name + "-epmd", _options.Tools.Epmd, ["-port", $"{_epmdPort}", "-address", "127.0.0.1"])
            {
                WorkingDirectory = _dataDirectory,
                PidFile = Path.Combine(_dataDirectory, "epmd.pid"),
                CommandLineMarker = "epmd\0-port\0",
            },
            Log);
        await WaitUntilAsync(_epmd, AnswersEpmdAsync, "answered", EpmdReadyTimeout, cancellationToken);

        _broker = await ChildProcess.StartAsync(
            new ProcessSpec(Name, _options.Tools.RabbitMqServer, [])
            {
                Environment = BrokerEnvironment(),
                WorkingDirectory = _dataDirectory,
                PidFile = Path.Combine(_dataDirectory, "broker.pid"),
                CommandLineMarker = $"-home\0{HomeDirectory}\0",
            },
            Log);
        // RabbitMQ opens its AMQP listener only once it has booted. (Speaking AMQP to it would prove no more, and
        // would make it log a warning about a client that went away mid-handshake.)
        await WaitUntilAsync(
            _broker, token => Network.AcceptsConnectionsAsync(Port, token), "accepted AMQP connections", BrokerReadyTimeout,
            cancellationToken);
    }

    private protected override async Task StopProcessesAsync()
    {
        if (_broker is not null)
        {
            await _broker.StopAsync(Posix.SigTerm, StopGracePeriod);
            _broker.Dispose();
            _broker = null;
        }

        if (_epmd is not null)
        {
            await _epmd.StopAsync(Posix.SigTerm, TimeSpan.FromSeconds(5));
            _epmd.Dispose();
            _epmd = null;
        }
    }

    private void WriteConfiguration()
    {
        Directory.CreateDirectory(HomeDirectory);
        File.WriteAllText(Path.Combine(_dataDirectory, "rabbitmq-env.conf"), "");
        File.WriteAllText(Path.Combine(_dataDirectory, "enabled_plugins"), "[].\n");
        File.WriteAllText(
            Path.Combine(_dataDirectory, "rabbitmq.conf"),
            $"""
             listeners.tcp.default = 127.0.0.1:{Port}
             # Start-up chatter would drown the services' output; warnings and errors still show.
             log.console.level = warning

             """);
    }

    // Everything RabbitMQ would read from or write to /etc, /var or $HOME is pointed into the data directory.
    private Dictionary<string, string?> BrokerEnvironment() => new()
    {
        ["HOME"] = HomeDirectory,
        ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_dataDirectory, "rabbitmq-env.conf"),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_dataDirectory, "rabbitmq.conf"),
        ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_dataDirectory, "advanced.config"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_dataDirectory, "enabled_plugins"),
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = $"{Port}",
        ["RABBITMQ_DIST_PORT"] = $"{_distributionPort}",
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_dataDirectory, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(_dataDirectory, "log"),
        ["RABBITMQ_LOGS"] = "-",
        ["ERL_CRASH_DUMP"] = Path.Combine(_dataDirectory, "log", "erl_crash.dump"),
        // The script then execs the Erlang VM, which stops cleanly on SIGTERM.
        ["RUNNING_UNDER_SYSTEMD"] = "1",
        ["NOTIFY_SOCKET"] = null,
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        ["ERL_EPMD_PORT"] = $"{_epmdPort}",
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
    };

    // epmd's NAMES request (length 1, 'n') is answered with its port number: a four-byte reply. A bare connect
    // would do, but epmd logs one that sends nothing.
    private async Task<bool> AnswersEpmdAsync(CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(TimeSpan.FromSeconds(2));
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, _epmdPort, attempt.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(EpmdNamesRequest, attempt.Token);
            await stream.ReadExactlyAsync(new byte[4], attempt.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or IOException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private async Task WaitUntilAsync(
        ChildProcess process, Func<CancellationToken, Task<bool>> isReady, string readiness, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!await isReady(cancellationToken))
        {
            if (process.HasExited)
            {
                throw new ResourceStartException(
                    Name, $"{process.Name} exited with code {await process.Exit} before it {readiness}", process.RecentOutput);
            }

            if (clock.Elapsed > timeout)
            {
                throw new ResourceStartException(
                    Name, $"{process.Name} had not {readiness} after {timeout.TotalSeconds:0} s", process.RecentOutput);
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
