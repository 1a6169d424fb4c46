namespace Kaikukortti.AppHost.Hosting;

public sealed record ServiceProcessOptions
{
    public required string Name { get; init; }

    /// <summary>Where the service listens, e.g. <c>http://127.0.0.1:5123</c>; given to it as <c>ASPNETCORE_URLS</c>.</summary>
    public required string Url { get; init; }

    public required string FileName { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Variables to set on top of this process's environment; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public string WorkingDirectory { get; init; } = "/";

    /// <summary>Records the process id, so a run after a crash can stop a service the crashed run left behind.</summary>
    public string? PidFile { get; init; }

    /// <summary>How long <c>GET {Url}/health</c> may take to answer 200.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public LogSink Log { get; init; } = LogSink.Null;

    /// <summary>A .NET project's build output, run as <c>dotnet app.dll</c> (the muxer runs the app in its own process).</summary>
    public static ServiceProcessOptions ForProject(string name, string assemblyPath, string url, ToolPaths tools) => new()
    {
        Name = name,
        Url = url,
        FileName = tools.Dotnet,
        Arguments = [assemblyPath],
        WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
    };
}
