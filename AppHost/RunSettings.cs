using Kaikukortti.AppHost.Hosting;

namespace Kaikukortti.AppHost;

/// <summary>How <c>dotnet run --project AppHost</c> is configured: environment variables, with defaults for a developer.</summary>
internal static class RunSettings
{
    private const string SolutionFile = "Kaikukortti.sln";

    public static KaikuSystemOptions FromEnvironment(LogSink log) => new()
    {
        DataDirectory = Variable("KAIKU_DATA_DIR") ?? Path.Combine(FindRepositoryRoot(), ".kaiku"),
        GatewayPort = Variable("KAIKU_GATEWAY_PORT") is { } port ? Port("KAIKU_GATEWAY_PORT", port) : 8080,
        PostgresConnectionString = Variable("ConnectionStrings__postgres"),
        RabbitMqConnectionString = Variable("ConnectionStrings__rabbitmq"),
        OtlpEndpoint = Variable("OTEL_EXPORTER_OTLP_ENDPOINT"),
        AdminSecret = Variable("KAIKU_ADMIN_SECRET"),
        Log = log,
    };

    /// <summary><c>KAIKU_SEED</c>: <c>demo</c> (the default) seeds the demo network on a first run, <c>none</c> does not.</summary>
    public static bool SeedsDemoData() => Variable("KAIKU_SEED")?.ToLowerInvariant() switch
    {
        null or "demo" => true,
        "none" => false,
        _ => throw new PrerequisiteMissingException($"KAIKU_SEED must be 'demo' or 'none', not '{Variable("KAIKU_SEED")}'."),
    };

    private static int Port(string variable, string value) =>
        int.TryParse(value, out var port) && port is > 0 and <= 65535
            ? port
            : throw new PrerequisiteMissingException($"{variable} must be a port number from 1 to 65535, not '{value}'.");

    private static string? Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static string FindRepositoryRoot()
    {
        var current = Directory.GetCurrentDirectory();
        for (var directory = current; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, SolutionFile)))
            {
                return directory;
            }
        }

        return current;
    }
}
