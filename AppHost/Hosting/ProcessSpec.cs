namespace Kaikukortti.AppHost.Hosting;

/// <summary>What to run as a child process, and how to recognise it if an earlier run left it behind.</summary>
internal sealed record ProcessSpec(string Name, string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Variables to set on top of this process's environment; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public string WorkingDirectory { get; init; } = "/";

    /// <summary>
    /// Where to record the process id while it runs. If the file names a process that is still running with
    /// <see cref="CommandLineMarker"/> in its command line, that process is stopped before a new one starts.
    /// </summary>
    public string? PidFile { get; init; }

    public string CommandLineMarker { get; init; } = string.Join('\0', Arguments);
}
