using System.Diagnostics;
using Kaikukortti.AppHost.Hosting;

namespace Kaikukortti.Benchmark;

/// <summary>An external program run to completion (wrk, pgbench, pg_dump, psql, …), its command line kept for the report.</summary>
public sealed record Command(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    /// <summary>The command line as a shell would take it, run in <see cref="WorkingDirectory"/>.</summary>
    public string Display => string.Join(' ', Arguments.Prepend(FileName).Select(Quote));

    /// <returns>The exit code and everything the program wrote to standard output and error.</returns>
    public async Task<(int ExitCode, string Output, string Error)> RunAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(FileName)
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments) startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{FileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // SIGINT first: wrk and pgbench stop cleanly on it and close their connections. SIGKILL when it is ignored, as
            // it is by a job started in the background of a script.
            Posix.Signal(process.Id, Posix.SigInt);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None);
            }
            throw;
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Runs the command and returns its standard output, or throws with its error output when it fails.</summary>
    public async Task<string> RunCheckedAsync(CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = await RunAsync(cancellationToken);
        return exitCode == 0 ? output : throw new InvalidOperationException($"`{Display}` exited with {exitCode}: {error.Trim()}{output.Trim()}");
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c)) ? argument : $"'{argument.Replace("'", "'\\''")}'";
}
