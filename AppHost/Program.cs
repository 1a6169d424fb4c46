using Kaikukortti.AppHost.Hosting;

namespace Kaikukortti.AppHost;

/// <summary><c>dotnet run --project AppHost</c>: starts the whole system and stops it on Ctrl+C or SIGTERM.</summary>
public static class Program
{
    public static async Task<int> Main()
    {
        var log = new ConsoleLogSink();
        using var shutdown = new ShutdownSignals();
        try
        {
            await using var system = await KaikuSystem.StartAsync(RunSettings.FromEnvironment(log), shutdown.Token);
            StartupSummary.Print(system, log);
            await shutdown.Requested;
            log.Write(KaikuSystem.LogSource, "stopping…");
        }
        catch (PrerequisiteMissingException e)
        {
            AlertLines(log, e.Message);
            return 2;
        }
        catch (OperationCanceledException) when (shutdown.Token.IsCancellationRequested)
        {
        }
        catch (ResourceStartException e)
        {
            AlertLines(log, $"could not start {e.Message}");
            return 1;
        }

        log.Write(KaikuSystem.LogSource, "stopped");
        return 0;
    }

    private static void AlertLines(LogSink log, string text)
    {
        foreach (var line in text.Split(Environment.NewLine))
        {
            log.Alert(KaikuSystem.LogSource, line);
        }
    }
}
