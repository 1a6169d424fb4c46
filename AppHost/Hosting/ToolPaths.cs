namespace Kaikukortti.AppHost.Hosting;

/// <summary>Where the programs the system runs are installed (overridable, e.g. to test a missing one).</summary>
public sealed record ToolPaths
{
    public static ToolPaths Default { get; } = new();

    public string PostgresBinDirectory { get; init; } = "/usr/lib/postgresql/15/bin";

    /// <summary>The script that runs the broker in the foreground (not /usr/sbin/rabbitmq-server, which switches user and writes to /var).</summary>
    public string RabbitMqServer { get; init; } = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    public string Epmd { get; init; } = "/usr/bin/epmd";

    public string Dotnet { get; init; } = LocateDotnet();

    private static string LocateDotnet()
    {
        string?[] candidates =
        [
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
            Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath : null,
            .. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, "dotnet")),
            Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } root ? Path.Combine(root, "dotnet") : null,
        ];
        return candidates.FirstOrDefault(File.Exists) ?? "dotnet";
    }
}
