using Kaikukortti.AppHost.Hosting;
using Kaikukortti.AppHost.Seed;

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
            var seed = RunSettings.SeedsDemoData();
            await using var system = await KaikuSystem.StartAsync(RunSettings.FromEnvironment(log), shutdown.Token);
            var demoData = seed ? await SeedDemoDataAsync(system, log, shutdown.Token) : "none (KAIKU_SEED=none)";
            StartupSummary.Print(system, log, demoData);
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

    /// <returns>What the start-up summary says about the demo data.</returns>
    private static async Task<string> SeedDemoDataAsync(KaikuSystem system, LogSink log, CancellationToken cancellationToken)
    {
        try
        {
            var result = await DemoSeed.RunAsync(new Uri(system.GatewayUrl), KaikuSystem.AdminClientId, system.AdminSecret, log, cancellationToken);
            return result.Summary;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The system runs fine without demo data; stopping it would only hide what went wrong.
            AlertLines(log, $"seeding the demo data failed: {e.Message}");
            return "seeding failed (see the !! lines above); set KAIKU_SEED=none to skip it";
        }
    }

    private static void AlertLines(LogSink log, string text)
    {
        foreach (var line in text.Split(Environment.NewLine))
        {
            log.Alert(KaikuSystem.LogSource, line);
        }
    }
}
