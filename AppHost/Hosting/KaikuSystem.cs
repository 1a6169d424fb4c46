using System.Security.Cryptography;
using Kaikukortti.ServiceDefaults.Auth;

namespace Kaikukortti.AppHost.Hosting;

/// <summary>
/// The whole system: PostgreSQL and RabbitMQ, every service, and the gateway in front of them. Services are
/// configured only through Aspire's standard keys (<c>ConnectionStrings__*</c>, <c>services__*__http__0</c>,
/// <c>OTEL_*</c>), so a real Aspire AppHost could replace this one without touching them.
/// </summary>
public sealed class KaikuSystem : IAsyncDisposable
{
    public const string LogSource = "apphost";
    public const string GatewayName = "gateway";

    private readonly KaikuSystemOptions _options;
    private readonly string _dataDirectory;
    private readonly List<IResource> _resources = [];
    private readonly List<ServiceProcess> _services = [];
    private readonly Dictionary<string, string> _connectionStrings = [];
    private DirectoryLock? _lock;
    private ServiceProcess? _gateway;

    private KaikuSystem(KaikuSystemOptions options)
    {
        _options = options;
        _dataDirectory = Path.GetFullPath(options.DataDirectory);
    }

    /// <summary>The services, in the order they are listed; each owns the database named after it plus <c>db</c>.</summary>
    public static IReadOnlyList<string> ServiceNames { get; } = ["identity", "cards", "venues", "redemptions", "statistics"];

    public string GatewayUrl => _gateway?.Url ?? throw new InvalidOperationException("The gateway has not been started.");

    /// <summary>Everything started, in start order: the servers this system runs, the services, the gateway.</summary>
    public IReadOnlyList<IResource> Resources => _resources;

    /// <summary>Null when an external server is used.</summary>
    public PostgresServer? Postgres { get; private set; }

    /// <summary>Null when an external broker is used.</summary>
    public RabbitMqServer? RabbitMq { get; private set; }

    /// <summary>The client id of the bootstrap national admin the Identity service keeps.</summary>
    public const string AdminClientId = Microsoft.Extensions.Hosting.AuthExtensions.BootstrapAdminClientId;

    /// <summary>The bootstrap admin's secret: given in the options, or generated on the first run and kept in the data directory.</summary>
    public string AdminSecret { get; private set; } = "";

    /// <summary>Where the admin secret is kept when AppHost generated it; null when it was given.</summary>
    public string? AdminSecretFile { get; private set; }

    /// <summary>The Data Protection key ring every service shares for bearer tokens.</summary>
    public string KeyRingDirectory => Path.Combine(_dataDirectory, "keys");

    public IResource this[string name] =>
        _resources.FirstOrDefault(resource => resource.Name == name)
        ?? throw new KeyNotFoundException($"There is no resource named '{name}'.");

    private LogSink Log => _options.Log;

    /// <summary>
    /// Starts everything, waiting until each part is ready before starting what depends on it. If anything fails,
    /// whatever had started is stopped before the exception propagates.
    /// </summary>
    public static async Task<KaikuSystem> StartAsync(KaikuSystemOptions options, CancellationToken cancellationToken = default)
    {
        var system = new KaikuSystem(options);
        try
        {
            await system.StartAllAsync(cancellationToken);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The connection string the services get under <paramref name="name"/>: <c>postgres</c> (administrator),
    /// <c>rabbitmq</c>, or a service's database such as <c>venuesdb</c>.
    /// </summary>
    public string GetConnectionString(string name) =>
        _connectionStrings.TryGetValue(name, out var connectionString)
            ? connectionString
            : throw new KeyNotFoundException($"There is no connection string named '{name}'.");

    /// <summary>Stops the gateway, then the services, then RabbitMQ, then PostgreSQL.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(_gateway);
        await Task.WhenAll(_services.Select(StopAsync));
        await StopAsync(RabbitMq);
        await StopAsync(Postgres);
        _lock?.Dispose();
    }

    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        ThrowIfPrerequisitesMissing();
        _lock = DirectoryLock.Acquire(_dataDirectory, LogSource);
        Directory.CreateDirectory(Path.Combine(_dataDirectory, "run"));
        await StopLeftoverServicesAsync();
        var gatewayPort = _options.GatewayPort == 0 ? Network.FindFreePort() : _options.GatewayPort;
        if (!Network.IsPortFree(gatewayPort))
        {
            throw new ResourceStartException(
                GatewayName, $"port {gatewayPort} is already in use; stop what uses it or choose another port (KAIKU_GATEWAY_PORT)", []);
        }

        var postgres = StartPostgresAsync(cancellationToken);
        var rabbitMq = StartRabbitMqAsync(cancellationToken);
        await WhenAllStartedAsync([postgres, rabbitMq]);
        _connectionStrings["postgres"] = await postgres;
        _connectionStrings["rabbitmq"] = await rabbitMq;
        await CreateDatabasesAsync(cancellationToken);
        // Created once, before any service starts: validators that each generated a key would reject each other's tokens.
        KeyRing.EnsureCreated(KeyRingDirectory);
        AdminSecret = _options.AdminSecret ?? ReadOrCreateAdminSecret();

        foreach (var name in ServiceNames)
        {
            _services.Add(AddService(name, $"http://127.0.0.1:{Network.FindFreePort()}", ServiceEnvironment(name)));
        }

        await WhenAllStartedAsync(_services.Select(service => service.StartAsync(cancellationToken)));

        // localhost binds both 127.0.0.1 and ::1, so http://localhost:PORT works whichever a client tries first.
        _gateway = AddService(GatewayName, $"http://localhost:{gatewayPort}", GatewayEnvironment());
        await _gateway.StartAsync(cancellationToken);
    }

    // Before anything else: a gateway left running by a killed run would hold the gateway's port.
    private async Task StopLeftoverServicesAsync() =>
        await Task.WhenAll(ServiceNames.Append(GatewayName).Select(name => LeftoverProcess.StopAsync(
            PidFileOf(name), ProjectPaths.AssemblyOf(name), Posix.SigTerm, Log, name)));

    private string PidFileOf(string name) => Path.Combine(_dataDirectory, "run", name + ".pid");

    private void ThrowIfPrerequisitesMissing()
    {
        var tools = _options.Tools;
        List<string> problems = [];
        if (_options.PostgresConnectionString is null)
        {
            problems.AddRange(PostgresServer.FindMissingPrerequisites(tools));
        }

        if (_options.RabbitMqConnectionString is null)
        {
            problems.AddRange(RabbitMqServer.FindMissingPrerequisites(tools));
        }

        if (!File.Exists(tools.Dotnet))
        {
            problems.Add($"The dotnet host was not found ({tools.Dotnet}). Install the .NET 10 SDK — or run scripts/prerequisites.sh");
        }

        foreach (var name in ServiceNames.Append(GatewayName))
        {
            var assembly = ProjectPaths.AssemblyOf(name);
            if (!File.Exists(assembly))
            {
                problems.Add($"The {name} project is not built ({assembly} not found). Build it with: dotnet build");
            }
        }

        if (problems.Count > 0)
        {
            throw new PrerequisiteMissingException(string.Join(Environment.NewLine, problems));
        }
    }

    /// <returns>The administrator's connection string.</returns>
    private async Task<string> StartPostgresAsync(CancellationToken cancellationToken)
    {
        if (_options.PostgresConnectionString is { } external)
        {
            Log.Write(LogSource, "using the PostgreSQL server given in ConnectionStrings__postgres");
            return external;
        }

        Postgres = new PostgresServer(new PostgresServerOptions
        {
            DataDirectory = Path.Combine(_dataDirectory, "postgres"),
            Throwaway = _options.Throwaway,
            Log = Log,
            Tools = _options.Tools,
        });
        _resources.Add(Postgres);
        await Postgres.StartAsync(cancellationToken);
        return Postgres.ConnectionString;
    }

    private async Task<string> StartRabbitMqAsync(CancellationToken cancellationToken)
    {
        if (_options.RabbitMqConnectionString is { } external)
        {
            Log.Write(LogSource, "using the RabbitMQ broker given in ConnectionStrings__rabbitmq");
            return external;
        }

        RabbitMq = new RabbitMqServer(new RabbitMqServerOptions
        {
            DataDirectory = Path.Combine(_dataDirectory, "rabbitmq"),
            Log = Log,
            Tools = _options.Tools,
        });
        _resources.Add(RabbitMq);
        await RabbitMq.StartAsync(cancellationToken);
        return RabbitMq.ConnectionString;
    }

    private async Task CreateDatabasesAsync(CancellationToken cancellationToken)
    {
        var admin = _connectionStrings["postgres"];
        foreach (var database in ServiceNames.Select(DatabaseOf))
        {
            _connectionStrings[database] = await PostgresDatabases.EnsureAsync(admin, database, cancellationToken);
        }
    }

    private static string DatabaseOf(string service) => service + "db";

    private ServiceProcess AddService(string name, string url, IReadOnlyDictionary<string, string?> environment)
    {
        var service = new ServiceProcess(
            ServiceProcessOptions.ForProject(name, ProjectPaths.AssemblyOf(name), url, _options.Tools) with
            {
                Environment = environment,
                PidFile = PidFileOf(name),
                Log = Log,
            });
        _resources.Add(service);
        return service;
    }

    private string ReadOrCreateAdminSecret()
    {
        AdminSecretFile = Path.Combine(_dataDirectory, "admin-secret");
        if (File.Exists(AdminSecretFile)) return File.ReadAllText(AdminSecretFile).Trim();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        File.WriteAllText(AdminSecretFile, secret + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(AdminSecretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }

    private Dictionary<string, string?> ServiceEnvironment(string name)
    {
        var environment = CommonEnvironment(name);
        if (name == "identity") environment["KAIKU_ADMIN_SECRET"] = AdminSecret;
        environment[$"ConnectionStrings__{DatabaseOf(name)}"] = _connectionStrings[DatabaseOf(name)];
        environment["ConnectionStrings__rabbitmq"] = _connectionStrings["rabbitmq"];
        return WithExtraEnvironment(environment);
    }

    private Dictionary<string, string?> GatewayEnvironment()
    {
        var environment = CommonEnvironment(GatewayName);
        foreach (var service in _services)
        {
            environment[$"services__{service.Name}__http__0"] = service.Url;
        }

        return WithExtraEnvironment(environment);
    }

    private Dictionary<string, string?> CommonEnvironment(string name)
    {
        Dictionary<string, string?> environment = new()
        {
            ["OTEL_SERVICE_NAME"] = name,
            ["KAIKU_DATA_DIR"] = _dataDirectory,
            ["Kaiku__KeyRingPath"] = KeyRingDirectory,
            // Only the Identity service gets the admin secret, and only from AppHost.
            ["KAIKU_ADMIN_SECRET"] = null,
            // Inherited from AppHost's own environment when set there; services get only their own database.
            ["ConnectionStrings__postgres"] = null,
            // One line per log entry reads well behind the [name] prefix.
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        if (_options.OtlpEndpoint is { } otlpEndpoint)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint;
        }

        if (Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is null)
        {
            environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        }

        return environment;
    }

    private Dictionary<string, string?> WithExtraEnvironment(Dictionary<string, string?> environment)
    {
        foreach (var (name, value) in _options.Environment)
        {
            environment[name] = value;
        }

        return environment;
    }

    // Waits for every start, so none is left running unobserved, then reports the first failure; the others are
    // logged, as they often share one cause that the first one shows.
    private async Task WhenAllStartedAsync(IEnumerable<Task> starts)
    {
        var all = Task.WhenAll(starts);
        try
        {
            await all;
        }
        catch when (all.Exception is { InnerExceptions.Count: > 1 } failures)
        {
            foreach (var failure in failures.InnerExceptions.Skip(1))
            {
                Log.Alert(LogSource, failure is ResourceStartException start
                    ? $"{start.ResourceName} did not start either"
                    : $"another start failed too: {failure.Message}");
            }

            throw;
        }
    }

    private async Task StopAsync(ProcessResource? resource)
    {
        if (resource is null)
        {
            return;
        }

        try
        {
            await resource.DisposeAsync();
        }
        catch (Exception e)
        {
            // Stopping the rest matters more than this one failure.
            Log.Alert(LogSource, $"stopping {resource.Name} failed: {e.Message}");
        }
    }
}
