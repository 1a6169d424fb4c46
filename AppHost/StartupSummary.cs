using Kaikukortti.AppHost.Hosting;

namespace Kaikukortti.AppHost;

/// <summary>What a developer needs to see once everything runs; the place for anything more to show at start-up.</summary>
internal static class StartupSummary
{
    /// <param name="demoData">What became of the demo seed.</param>
    public static void Print(KaikuSystem system, LogSink log, string demoData)
    {
        var nameWidth = system.Resources.Max(resource => resource.Name.Length) + 2;
        log.Write(KaikuSystem.LogSource, $"{"resource".PadRight(nameWidth)}{"state",-10}url");
        foreach (var resource in system.Resources)
        {
            log.Write(KaikuSystem.LogSource, $"{resource.Name.PadRight(nameWidth)}{resource.State,-10}{resource.Url}");
        }

        log.Write(KaikuSystem.LogSource, "");
        log.Write(KaikuSystem.LogSource, $"==> Kaikukortti is running at {system.GatewayUrl}   (Ctrl+C stops everything)");
        log.Write(KaikuSystem.LogSource, system.AdminSecretFile is { } file
            ? $"    national admin: client {KaikuSystem.AdminClientId}, secret {system.AdminSecret}   (kept in {file})"
            : $"    national admin: client {KaikuSystem.AdminClientId}, secret from KAIKU_ADMIN_SECRET");
        log.Write(KaikuSystem.LogSource, $"    demo data: {demoData}");
        log.Write(KaikuSystem.LogSource, "");
    }
}
