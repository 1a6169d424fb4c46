using System.Net;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.TestSupport;

namespace Kaikukortti.AppHost.Tests;

public sealed class KaikuSystemTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly TempDirectory _directory = new();
    private readonly RecordingLogSink _log = new();

    [Fact]
    public async Task Runs_everything_reports_an_unexpected_exit_kills_and_restarts_services_and_leaves_nothing_behind()
    {
        var system = await KaikuSystem.StartAsync(Options(), TestContext.Current.CancellationToken);
        List<int> processes;
        try
        {
            system.Resources.Select(resource => resource.Name).ShouldBe(
                ["postgres", "rabbitmq", "identity", "cards", "venues", "redemptions", "statistics", "gateway"]);
            system.Resources.ShouldAllBe(resource => resource.State == ResourceState.Running && resource.Url != null);
            (await Http.GetAsync($"{system.GatewayUrl}/health", TestContext.Current.CancellationToken))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
            (await Sql.QueryAsync<string>(system.GetConnectionString("venuesdb"), "SELECT current_database()"))
                .ShouldBe("venuesdb");

            var statistics = (ServiceProcess)system["statistics"];
            Posix.Signal(statistics.ProcessId!.Value, Posix.SigKill);

            await Eventually.TrueAsync(
                () => Task.FromResult(statistics.State == ResourceState.Exited), TimeSpan.FromSeconds(10), "statistics to be Exited");
            _log.Alerts.ShouldContain("statistics exited unexpectedly with code 137");

            await statistics.StartAsync(TestContext.Current.CancellationToken);

            statistics.State.ShouldBe(ResourceState.Running);
            (await Http.GetAsync($"{statistics.Url}/health", TestContext.Current.CancellationToken))
                .StatusCode.ShouldBe(HttpStatusCode.OK);

            var redemptions = (ServiceProcess)system["redemptions"];
            var killed = ProcessTable.TreeOf(redemptions.ProcessId!.Value);

            await redemptions.KillAsync();

            redemptions.State.ShouldBe(ResourceState.Stopped);
            redemptions.ProcessId.ShouldBeNull();
            await ProcessTable.ShouldAllExitAsync(killed);
            // Killed on request: no graceful shutdown, and no alert as for a crash.
            _log.Lines.ShouldNotContain(line => line.StartsWith("[redemptions]") && line.Contains("Application is shutting down"));
            _log.Alerts.ShouldNotContain(alert => alert.StartsWith("redemptions"));

            await redemptions.StartAsync(TestContext.Current.CancellationToken);

            redemptions.State.ShouldBe(ResourceState.Running);
            processes = ProcessTable.TreeOf(Environment.ProcessId).Where(pid => pid != Environment.ProcessId).ToList();
        }
        finally
        {
            await system.DisposeAsync();
        }

        processes.Count.ShouldBeGreaterThanOrEqualTo(9);
        await ProcessTable.ShouldAllExitAsync(processes);
    }

    [Fact]
    public async Task A_service_that_cannot_start_fails_the_start_with_its_last_output_and_everything_started_is_stopped()
    {
        await using var external = await PostgresServer.StartAsync(
            new PostgresServerOptions { DataDirectory = Path.Combine(_directory.Path, "external"), Throwaway = true },
            TestContext.Current.CancellationToken);
        var options = Options() with
        {
            DataDirectory = Path.Combine(_directory.Path, "system"),
            PostgresConnectionString = external.ConnectionString,
            // Too small a heap for the runtime to start at all.
            Environment = new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = "0x1000" },
        };

        var error = await Should.ThrowAsync<ResourceStartException>(
            () => KaikuSystem.StartAsync(options, TestContext.Current.CancellationToken));

        error.Message.ShouldContain("exited with code");
        error.RecentOutput.ShouldContain(line => line.Contains("GC heap initialization failed"));
        external.State.ShouldBe(ResourceState.Running, "an external server is not the system's to stop");
        (await Sql.QueryAsync<long>(external.ConnectionString, "SELECT count(*) FROM pg_database WHERE datname LIKE '%db'"))
            .ShouldBe(KaikuSystem.ServiceNames.Count);
        var externalProcesses = ProcessTable.TreeOf(external.ProcessId!.Value);
        await ProcessTable.ShouldAllExitAsync(
            ProcessTable.TreeOf(Environment.ProcessId).Except([Environment.ProcessId, .. externalProcesses]));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _directory.DisposeAsync();

    private KaikuSystemOptions Options() => new()
    {
        DataDirectory = _directory.Path,
        Throwaway = true,
        Log = _log,
    };
}
